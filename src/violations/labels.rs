//! Chinese and English names of violation statuses and sources, for lists, exports and pages.

use super::model::{Severity, ViolationSource, ViolationStatus};

/// A status's names.
pub fn status(s: ViolationStatus) -> (&'static str, &'static str) {
    match s {
        ViolationStatus::Open => ("待处理", "open"),
        ViolationStatus::Investigating => ("调查中", "investigating"),
        ViolationStatus::Penalised => ("已处罚", "penalised"),
        ViolationStatus::Dismissed => ("不予处罚/撤销", "dismissed"),
    }
}

/// A source's names.
pub fn source(s: ViolationSource) -> (&'static str, &'static str) {
    match s {
        ViolationSource::Detected => ("系统发现", "detected"),
        ViolationSource::Attempt => ("违规操作被拒", "refused attempt"),
        ViolationSource::Inspection => ("现场检查", "inspection"),
        ViolationSource::Complaint => ("举报查实", "substantiated complaint"),
    }
}

/// A severity's names.
pub fn severity(s: Severity) -> (&'static str, &'static str) {
    match s {
        Severity::Low => ("轻微", "low"),
        Severity::Medium => ("一般", "medium"),
        Severity::High => ("严重", "high"),
    }
}
