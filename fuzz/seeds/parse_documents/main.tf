terraform {
  backend "s3" {}
}
resource "aws_s3_bucket" "b" {
  tags = { a = [1, (2)] }
}
