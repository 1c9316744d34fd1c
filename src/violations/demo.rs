//! Demonstration history for the supervision dashboard: three months of inspection findings across the
//! enterprises of the demo and two private slaughter points, worked to different stages (investigating,
//! penalised with fines, dismissed, still open), so counts by district, rule and status mean something.

use chrono::Duration;
use diesel::prelude::*;

use super::model::{Severity, ViolationEventKind, ViolationSource};
use super::queries::{self, NewViolation, Subject};
use super::workflow::{self, Step};
use crate::db::DbConnection;
use crate::error::AppResult;
use crate::organisations::model::{District, OrgKind, Organisation};
use crate::schema::organisations;

const BUYER_FINDINGS: &[(&str, &str)] = &[
    (
        "inspection_no_certificates_shown",
        "摊位未明示当日检疫、检验证明",
    ),
    ("inspection_no_ledger", "进货台账缺 3 天记录"),
    ("inspection_no_receipt", "未向顾客出具销售凭据"),
    (
        "inspection_unquarantined_meat",
        "冷柜内 6 公斤牛肉无检疫证明",
    ),
    ("inspection_not_in_network", "销售外地未入网屠宰厂的羊肉"),
];

const HOUSE_FINDINGS: &[(&str, &str)] = &[
    ("inspection_fee_irregular", "收取未经核准的“冷库管理费”"),
    ("inspection_other", "无害化处理记录与台账不一致"),
];

/// Load the history; `inspector` records and works every finding.
pub fn load(conn: &mut DbConnection, inspector: &str) -> AppResult<usize> {
    let enterprises: Vec<Organisation> = organisations::table
        .filter(organisations::kind.eq_any([OrgKind::Buyer, OrgKind::Slaughterhouse]))
        .order(organisations::name)
        .select(Organisation::as_select())
        .load(conn)?;
    let now = crate::time::now();
    let mut n = 0;
    for i in 0..36usize {
        let org = &enterprises[i % enterprises.len().max(1)];
        let (code, what) = if org.kind == OrgKind::Buyer {
            BUYER_FINDINGS[i % BUYER_FINDINGS.len()]
        } else {
            HOUSE_FINDINGS[i % HOUSE_FINDINGS.len()]
        };
        let Some(rule) = super::rules::inspection_rule(code) else {
            continue;
        };
        let at = now - Duration::hours(i as i64 * 61 + 30);
        let v = queries::open_at(
            conn,
            NewViolation {
                rule,
                source: ViolationSource::Inspection,
                subject: Subject::Org(org),
                summary: (
                    format!("日常检查：{what}"),
                    format!("routine inspection: {}", rule.title_en),
                ),
                actor_id: Some(inspector),
                records: Vec::new(),
            },
            at,
        )?;
        work(conn, &v.violation.id, i, rule.severity, inspector)?;
        n += 1;
    }
    for (i, (name, address, district)) in [
        (
            "白云区太和镇无名屠宰点",
            "白云区太和镇某村后山",
            District::Baiyun,
        ),
        (
            "番禺区石基镇私宰窝点",
            "番禺区石基镇某出租屋",
            District::Panyu,
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let Some(rule) = super::rules::inspection_rule("inspection_unlicensed_slaughter") else {
            continue;
        };
        let v = queries::open_at(
            conn,
            NewViolation {
                rule,
                source: ViolationSource::Inspection,
                subject: Subject::Unregistered {
                    name,
                    address,
                    district: Some(district),
                },
                summary: (
                    format!("联合执法查获私屠滥宰窝点：{name}，现场牛只 3 头"),
                    format!("joint enforcement found an unlicensed slaughter point: {name}"),
                ),
                actor_id: Some(inspector),
                records: Vec::new(),
            },
            now - Duration::days(10 + 20 * i as i64),
        )?;
        work(conn, &v.violation.id, 1, Severity::High, inspector)?;
        n += 1;
    }
    Ok(n)
}

/// Take the `i`-th finding to a stage: a quarter each investigating, penalised, dismissed, open.
fn work(
    conn: &mut DbConnection,
    id: &str,
    i: usize,
    severity: Severity,
    inspector: &str,
) -> AppResult<()> {
    let fine = match severity {
        Severity::High => 2_000_000,
        Severity::Medium => 500_000,
        Severity::Low => 100_000,
    };
    let steps: &[(ViolationEventKind, &str, Option<i64>)] = match i % 4 {
        0 => &[(ViolationEventKind::Investigating, "已立案调查", None)],
        1 => &[
            (ViolationEventKind::Investigating, "已立案调查", None),
            (
                ViolationEventKind::Penalised,
                "事实清楚，依法处罚",
                Some(fine),
            ),
        ],
        2 => &[(
            ViolationEventKind::Dismissed,
            "复核后情节轻微，已当场整改",
            None,
        )],
        _ => &[],
    };
    for (kind, reason, fine_fen) in steps {
        let current = workflow::detail(conn, id)?;
        workflow::take(
            conn,
            &current,
            Step {
                kind: *kind,
                reason,
                fine_fen: *fine_fen,
                actor_id: inspector,
            },
        )?;
    }
    Ok(())
}
