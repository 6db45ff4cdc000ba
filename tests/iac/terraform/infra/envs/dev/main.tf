provider "aws" {
  region = "eu-west-1"
}

module "net" {
  source = "../../../modules/net"
  cidr   = "10.1.0.0/16"
}
