//! The CSV export of violations: one row per violation, Chinese headers, China time, yuan for fines. Cells a
//! spreadsheet would run as formulas (`=`, `+`, `-`, `@` first) are prefixed with `'`.

use super::labels;
use super::workflow::ViolationDetail;
use crate::error::{AppError, AppResult};

const HEADERS: [&str; 16] = [
    "编号 id",
    "发现时间 detected (UTC+8)",
    "规则代码 rule",
    "规则 title",
    "条款 article",
    "来源 source",
    "严重程度 severity",
    "状态 status",
    "罚款（元）fine (yuan)",
    "对象 subject",
    "对象机构 id subject org",
    "地址 address",
    "区 district",
    "情况 summary",
    "举报编号 ticket",
    "涉及记录 records",
];

fn cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// The rows as CSV bytes, with a UTF-8 byte-order mark.
pub fn csv(rows: &[ViolationDetail]) -> AppResult<Vec<u8>> {
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let fail = |e: csv::Error| AppError::Internal(anyhow::anyhow!("csv: {e}"));
    w.write_record(HEADERS).map_err(fail)?;
    for d in rows {
        let v = &d.violation.violation;
        let records = d
            .violation
            .records
            .iter()
            .map(|r| format!("{}:{}", r.entity, r.entity_id))
            .collect::<Vec<_>>()
            .join(" ");
        let subject = d
            .subject_org_name
            .clone()
            .or_else(|| v.subject_name.clone())
            .unwrap_or_default();
        let row = [
            v.id.clone(),
            crate::time::show(v.detected_at),
            v.rule.clone(),
            d.rule_title.clone(),
            v.article.clone(),
            labels::source(v.source).0.to_string(),
            labels::severity(v.severity).0.to_string(),
            labels::status(d.status).0.to_string(),
            d.fine_fen.map(crate::money::yuan).unwrap_or_default(),
            subject,
            v.subject_org_id.clone().unwrap_or_default(),
            v.subject_address.clone().unwrap_or_default(),
            v.district.map(|x| x.zh().to_string()).unwrap_or_default(),
            v.summary.clone(),
            d.complaint_ticket_no.clone().unwrap_or_default(),
            records,
        ];
        w.write_record(row.iter().map(|s| cell(s))).map_err(fail)?;
    }
    w.into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("csv: {e}")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn formula_cells_are_defused() {
        assert_eq!(super::cell("=1+1"), "'=1+1");
        assert_eq!(super::cell("-5"), "'-5");
        assert_eq!(super::cell("正常"), "正常");
    }
}
