//! Recovering from failure and practising it: AWS Backup plans and FIS experiment templates
//! (both regional).

use serde::{Deserialize, Serialize};

/// AWS Backup in one region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Backup {
    /// The backup plans (`ListBackupPlans`).
    pub plans: Vec<BackupPlan>,
}

/// A backup plan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BackupPlan {
    /// Its name.
    pub name: String,
    /// Its id.
    pub id: Option<String>,
    /// When it was created (RFC 3339).
    pub created: Option<String>,
    /// When it last ran a backup (RFC 3339); `None`: never.
    pub last_execution: Option<String>,
}

/// AWS Fault Injection Service in one region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Fis {
    /// The experiment templates (`ListExperimentTemplates`).
    pub experiment_templates: Vec<ExperimentTemplate>,
}

/// An FIS experiment template.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ExperimentTemplate {
    /// Its id.
    pub id: String,
    /// Its description.
    pub description: Option<String>,
    /// When it was created (RFC 3339).
    pub created: Option<String>,
    /// When it was last changed (RFC 3339).
    pub last_updated: Option<String>,
}
