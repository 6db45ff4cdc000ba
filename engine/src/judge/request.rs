//! The request one plugin receives for one target: the evidence it declared, serialised at
//! the protocol boundary.

use super::documents::{helm_templates, Documents};
use super::select::Selection;
use crate::collect::Evidence;
use crate::plugin::protocol::{self, DocumentRef, FileRef, PluginRef, Request, TargetRef};
use crate::plugin::Manifest;
use kaizen_evidence::ci::Ci;
use serde_json::Value;

/// The request of the plugin of manifest `m` for the target of `evidence`, as JSON: the
/// files of `selection` and their documents, the git facts, pipeline runs and cloud
/// inventory when the manifest declares them, and the plugin's configuration.
pub fn request_bytes(
    m: &Manifest,
    selection: &Selection,
    evidence: &Evidence,
    documents: &Documents,
    ci: Option<&Ci>,
    config: Option<&Value>,
) -> Vec<u8> {
    let target = evidence.target;
    let templates = helm_templates(&evidence.inventory);
    // A file is listed when a `files` or a `parse` glob matches it (see [`super::select`]),
    // and its documents are added for each `parse` glob that does.
    let mut files: Vec<FileRef> = Vec::with_capacity(selection.len());
    let mut docs = Vec::new();
    for (index, formats) in selection {
        let file = &evidence.inventory.files[*index];
        files.push(FileRef { path: &file.path, size: file.size, role: file.role });
        for format in formats {
            let parsed = documents.get(&(file.path.clone(), *format)).into_iter().flatten();
            docs.extend(parsed.enumerate().map(|(index, doc)| DocumentRef {
                path: &file.path,
                format: *format,
                index,
                role: file.role,
                templated: templates.contains(file.path.as_str()),
                value: doc.as_ref().ok().map(|(value, _)| value),
                lines: doc.as_ref().ok().map(|(_, lines)| lines.as_slice()).filter(|l| !l.is_empty()),
                error: doc.as_ref().err(),
            }));
        }
    }
    let empty = Value::Object(Default::default());
    let request = Request {
        api: protocol::API_VERSION,
        kaizen_version: env!("CARGO_PKG_VERSION"),
        plugin: PluginRef { id: &m.id, version: &m.version },
        target: TargetRef { name: &target.name, kind: evidence.kind, root: protocol::GUEST_ROOT },
        files,
        documents: docs,
        git: if m.inputs.git { evidence.git.as_ref() } else { None },
        pipelines: if m.inputs.pipelines { target.pipelines.as_ref() } else { None },
        cloud: if m.inputs.cloud { target.cloud.as_ref() } else { None },
        ci: if m.inputs.ci { ci } else { None },
        config: config.unwrap_or(&empty),
    };
    serde_json::to_vec(&request).expect("a request always serialises")
}
