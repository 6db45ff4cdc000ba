//! Where data and images are kept: S3 buckets (global list) and ECR repositories (regional).

use serde::{Deserialize, Serialize};

/// S3, read once per account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct S3 {
    /// Every bucket of the account (`ListBuckets`), by name, each read in its own region.
    pub buckets: Option<Vec<Bucket>>,
}

/// A bucket and how it is protected. A setting is `None` when its call failed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Bucket {
    /// Its name.
    pub name: String,
    /// Its region (from `ListBuckets`, else `GetBucketLocation`).
    pub region: Option<String>,
    /// When it was created (RFC 3339).
    pub created: Option<String>,
    /// Its public access block (`GetPublicAccessBlock`).
    pub public_access_block: Option<PublicAccessBlock>,
    /// Its default encryption (`GetBucketEncryption`).
    pub encryption: Option<BucketEncryption>,
    /// Its versioning (`GetBucketVersioning`): `Enabled`, `Suspended`, or `Disabled` when
    /// versioning was never turned on.
    pub versioning: Option<String>,
    /// MFA delete is on (from `GetBucketVersioning`).
    pub mfa_delete: Option<bool>,
}

/// A bucket's public access block.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PublicAccessBlock {
    /// A block is configured on the bucket (`false`: none, every flag below is `false`;
    /// an account-level block may still apply).
    pub configured: bool,
    /// New public ACLs are refused.
    pub block_public_acls: bool,
    /// Existing public ACLs are ignored.
    pub ignore_public_acls: bool,
    /// Public bucket policies are refused.
    pub block_public_policy: bool,
    /// Public and cross-account access through a public policy is restricted.
    pub restrict_public_buckets: bool,
}

/// A bucket's default encryption.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BucketEncryption {
    /// A default encryption is configured (every bucket has SSE-S3 since January 2023).
    pub configured: bool,
    /// The algorithms of its rules (`AES256`, `aws:kms`, `aws:kms:dsse`).
    pub algorithms: Vec<String>,
    /// S3 Bucket Keys are on (fewer KMS calls).
    pub bucket_key_enabled: bool,
}

/// ECR in one region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Ecr {
    /// The repositories (`DescribeRepositories`).
    pub repositories: Vec<Repository>,
}

/// An ECR repository.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Repository {
    /// Its name.
    pub name: String,
    /// When it was created (RFC 3339).
    pub created: Option<String>,
    /// Images are scanned for vulnerabilities when pushed.
    pub scan_on_push: bool,
    /// Tags cannot be overwritten (`IMMUTABLE`, or `IMMUTABLE_WITH_EXCLUSION`).
    pub tag_immutability: bool,
    /// The tag mutability setting as ECR gives it.
    pub tag_mutability: Option<String>,
    /// `AES256` or `KMS`.
    pub encryption_type: Option<String>,
}
