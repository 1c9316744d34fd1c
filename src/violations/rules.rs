//! The rules a violation can name: a stable code, the article of the notice, a severity, and a title in
//! both languages. Refusal codes listed here are recorded as attempts when a request is refused for them.

use super::model::Severity;

/// One rule.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Stable code (the refusal's error code, for attempts).
    pub code: &'static str,
    /// Article of 穗府规〔2018〕8号.
    pub article: &'static str,
    /// Severity.
    pub severity: Severity,
    /// Title in Chinese.
    pub title: &'static str,
    /// Title in English.
    pub title_en: &'static str,
}

const fn rule(
    code: &'static str,
    article: &'static str,
    severity: Severity,
    title: &'static str,
    title_en: &'static str,
) -> Rule {
    Rule {
        code,
        article,
        severity,
        title,
        title_en,
    }
}

/// Rules detected from records (not refusals).
pub const FEE_OVER_CAP: Rule = rule(
    "fee_over_cap",
    "四",
    Severity::Medium,
    "超出核准标准收费",
    "fee charged above the approved cap",
);
/// A fee for an item not on the approved schedule.
pub const FEE_UNAPPROVED: Rule = rule(
    "fee_unapproved",
    "四",
    Severity::Medium,
    "自定收费项目",
    "fee charged for an item not on the approved schedule",
);

/// Refusals that are attempts to break a rule of the notice.
pub const ATTEMPTS: &[Rule] = &[
    rule(
        "certificate_expired",
        "五",
        Severity::Medium,
        "凭过期的动物检疫合格证明进厂",
        "intake on an expired animal certificate",
    ),
    rule(
        "certificate_not_yet_valid",
        "五",
        Severity::Medium,
        "凭未生效的动物检疫合格证明进厂",
        "intake on a certificate not yet valid",
    ),
    rule(
        "species_mismatch",
        "五",
        Severity::Medium,
        "进厂畜种与检疫证明不符",
        "animals of another species than certified",
    ),
    rule(
        "destination_mismatch",
        "五",
        Severity::High,
        "检疫证明的目的地为其他屠宰厂",
        "certificate addressed to another slaughterhouse",
    ),
    rule(
        "certificate_used_up",
        "五",
        Severity::High,
        "超出检疫证明头数进厂（证明重复使用）",
        "more heads than the certificate covers (certificate reused)",
    ),
    rule(
        "ear_tag_already_slaughtered",
        "五",
        Severity::High,
        "耳标已屠宰过",
        "ear tag already slaughtered",
    ),
    rule(
        "ear_tag_not_on_certificate",
        "五",
        Severity::High,
        "耳标不在检疫证明上",
        "ear tag not on the certificate",
    ),
    rule(
        "slaughterhouse_suspended",
        "一",
        Severity::High,
        "暂停期间屠宰",
        "slaughter while suspended",
    ),
    rule(
        "slaughterhouse_revoked",
        "一",
        Severity::High,
        "撤销定点后屠宰",
        "slaughter after revocation",
    ),
    rule(
        "slaughterhouse_not_designated",
        "一",
        Severity::High,
        "未获定点屠宰",
        "slaughter before designation",
    ),
    rule(
        "licence_expired",
        "一",
        Severity::High,
        "许可证过期后屠宰",
        "slaughter with an expired licence",
    ),
    rule(
        "licence_not_yet_valid",
        "一",
        Severity::High,
        "许可证生效前屠宰",
        "slaughter before the licence is valid",
    ),
    rule(
        "species_not_licensed",
        "一",
        Severity::High,
        "屠宰未获许可的畜种",
        "slaughter of a species not licensed",
    ),
    rule(
        "halal_not_certified",
        "三",
        Severity::High,
        "无有效清真认证屠宰清真牛羊",
        "halal slaughter without a valid halal certification",
    ),
    rule(
        "heads_exceed_intake",
        "五",
        Severity::High,
        "屠宰头数超过进厂存栏",
        "more heads slaughtered than arrived alive",
    ),
    rule(
        "intake_not_checked",
        "五",
        Severity::Medium,
        "未经官方兽医查验即屠宰",
        "slaughter of an intake the vet has not checked",
    ),
    rule(
        "not_in_network",
        "六",
        Severity::High,
        "未纳入肉品安全信息网络时出厂销售",
        "shipping while not in the meat safety information network",
    ),
    rule(
        "lot_recalled",
        "九",
        Severity::High,
        "经销已召回的产品",
        "moving a recalled lot",
    ),
    rule(
        "lot_disposed",
        "九",
        Severity::High,
        "经销已无害化处理的产品",
        "moving a lot that was disposed of",
    ),
    rule(
        "product_certificate_lapsed",
        "九",
        Severity::High,
        "产品检疫证明过期后出厂",
        "shipping after the product certificate lapsed",
    ),
    rule(
        "failed_heads_not_disposed",
        "五",
        Severity::High,
        "不合格胴体未无害化处理即出厂",
        "shipping before every failed head was disposed of",
    ),
    rule(
        "exceeds_available_weight",
        "九",
        Severity::Medium,
        "出货重量超过可售数量",
        "shipping more than is held",
    ),
    rule(
        "not_shipped_to_buyer",
        "九",
        Severity::Medium,
        "登记未发往本户的产品",
        "recording a lot never shipped to this buyer",
    ),
    rule(
        "exceeds_shipped_weight",
        "九",
        Severity::Medium,
        "登记重量超过发货重量",
        "recording more than was shipped",
    ),
];

/// The rule a refusal code breaks, when it is an attempt.
pub fn attempt_rule(code: crate::refusal::Code) -> Option<&'static Rule> {
    ATTEMPTS.iter().find(|r| r.code == code.as_str())
}

/// Substantiated 12345 complaints, one rule per complaint category (`complaint_` + the category code).
pub const COMPLAINTS: &[Rule] = &[
    rule(
        "complaint_unlicensed_slaughter",
        "一",
        Severity::High,
        "举报查实：私屠滥宰",
        "complaint substantiated: unlicensed slaughter",
    ),
    rule(
        "complaint_unquarantined",
        "九",
        Severity::High,
        "举报查实：销售未经检疫或检验的肉品",
        "complaint substantiated: unquarantined or uninspected meat on sale",
    ),
    rule(
        "complaint_failed_inspection",
        "九",
        Severity::High,
        "举报查实：销售检疫检验不合格的肉品",
        "complaint substantiated: meat that failed quarantine or inspection on sale",
    ),
    rule(
        "complaint_sick_or_dead",
        "九",
        Severity::High,
        "举报查实：销售病死畜肉",
        "complaint substantiated: meat of sick or dead animals on sale",
    ),
    rule(
        "complaint_water_injected",
        "九",
        Severity::High,
        "举报查实：注水肉",
        "complaint substantiated: water-injected meat",
    ),
    rule(
        "complaint_adulterated",
        "九",
        Severity::High,
        "举报查实：掺假肉品",
        "complaint substantiated: adulterated meat",
    ),
    rule(
        "complaint_not_in_network",
        "七",
        Severity::Medium,
        "举报查实：销售未纳入肉品安全信息网络的产品",
        "complaint substantiated: meat from outside the network on sale",
    ),
    rule(
        "complaint_other",
        "九",
        Severity::Low,
        "举报查实：其他违法违规行为",
        "complaint substantiated: other breach",
    ),
];

/// The rule a substantiated complaint of this category names.
pub fn complaint_rule(category: &str) -> &'static Rule {
    let code = format!("complaint_{category}");
    COMPLAINTS
        .iter()
        .find(|r| r.code == code)
        .unwrap_or(&COMPLAINTS[COMPLAINTS.len() - 1])
}

/// Copied-label signal: verified from the board of a stall that never received the lot.
pub const COPIED_LABEL_FOREIGN_STALL: Rule = rule(
    "copied_label_foreign_stall",
    "七",
    Severity::High,
    "疑似套用标签：未进货该批产品的摊位展示其追溯码",
    "suspected copied label: shown at a stall that never received the lot",
);
/// Copied-label signal: verified after the use-by date with no stock left anywhere.
pub const COPIED_LABEL_AFTER_STOCK: Rule = rule(
    "copied_label_after_stock",
    "九",
    Severity::Medium,
    "疑似重复使用标签：过期且已售完后仍被查询",
    "suspected reused label: verified after its use-by date with all stock gone",
);
/// Copied-label signal: far more verifications than the lot's weight explains.
pub const COPIED_LABEL_SCAN_VOLUME: Rule = rule(
    "copied_label_scan_volume",
    "九",
    Severity::Medium,
    "疑似复制标签：查询次数远超产品重量所能解释",
    "suspected copied label: verified far more often than its weight explains",
);

/// A correction that leaves a lot lighter than what already left it (shipped, split off or disposed of).
pub const MASS_BALANCE_BROKEN: Rule = rule(
    "mass_balance_broken",
    "九",
    Severity::Medium,
    "更正后重量不平衡：更正后的重量小于已出货、分割和处理的数量",
    "mass balance broken: a correction leaves less than already shipped, split off or disposed of",
);
/// Certified heads that never arrived before the certificate expired (scheduled).
pub const HEADS_UNACCOUNTED: Rule = rule(
    "heads_unaccounted",
    "一",
    Severity::High,
    "检疫证明过期时仍有头数未进厂（疑似流向私屠滥宰）",
    "certified heads never arrived before the certificate expired (possible unlicensed slaughter)",
);
/// A quality-safety agreement lapsed while the slaughterhouse was still shipping (scheduled).
pub const AGREEMENT_LAPSED: Rule = rule(
    "agreement_lapsed_while_shipping",
    "六",
    Severity::Medium,
    "质量安全协议到期而企业仍在出厂销售",
    "quality-safety agreement lapsed while the enterprise was still shipping",
);
/// The slaughter licence lapsed while the slaughterhouse was still shipping (scheduled).
pub const LICENCE_LAPSED: Rule = rule(
    "licence_lapsed_while_shipping",
    "一",
    Severity::High,
    "屠宰许可证到期而企业仍在出厂销售",
    "slaughter licence lapsed while the enterprise was still shipping",
);
/// A 12345 complaint not dispatched or not concluded by its working-day deadline (scheduled).
pub const COMPLAINT_OVERDUE: Rule = rule(
    "complaint_overdue",
    "十",
    Severity::Low,
    "12345 举报未在期限内分派或办结",
    "12345 complaint not dispatched or concluded by its deadline",
);

/// What inspectors record from inspections (现场检查).
pub const INSPECTIONS: &[Rule] = &[
    rule(
        "inspection_unlicensed_slaughter",
        "一",
        Severity::High,
        "检查发现：私屠滥宰",
        "inspection: unlicensed slaughter",
    ),
    rule(
        "inspection_unquarantined_meat",
        "九",
        Severity::High,
        "检查发现：经营未经检疫检验或不合格的肉品",
        "inspection: unquarantined, uninspected or failed meat on sale",
    ),
    rule(
        "inspection_not_in_network",
        "七",
        Severity::Medium,
        "检查发现：经营未纳入肉品安全信息网络的产品",
        "inspection: meat from outside the network on sale",
    ),
    rule(
        "inspection_no_ledger",
        "七",
        Severity::Medium,
        "检查发现：未建立或未如实记录进货台账",
        "inspection: no purchase ledger, or an untrue one",
    ),
    rule(
        "inspection_no_certificates_shown",
        "七",
        Severity::Low,
        "检查发现：未明示当日检疫、检验证明",
        "inspection: the day's certificates not shown at the stall",
    ),
    rule(
        "inspection_no_receipt",
        "七",
        Severity::Low,
        "检查发现：未出具销售凭据",
        "inspection: no sales receipt given",
    ),
    rule(
        "inspection_fee_irregular",
        "四",
        Severity::Medium,
        "检查发现：违规收费",
        "inspection: irregular fees",
    ),
    rule(
        "inspection_other",
        "九",
        Severity::Low,
        "检查发现：其他违法违规行为",
        "inspection: other breach",
    ),
];

/// Every rule a violation can name.
pub fn all() -> Vec<&'static Rule> {
    let detected: [&'static Rule; 10] = [
        &FEE_OVER_CAP,
        &FEE_UNAPPROVED,
        &MASS_BALANCE_BROKEN,
        &HEADS_UNACCOUNTED,
        &AGREEMENT_LAPSED,
        &LICENCE_LAPSED,
        &COMPLAINT_OVERDUE,
        &COPIED_LABEL_FOREIGN_STALL,
        &COPIED_LABEL_AFTER_STOCK,
        &COPIED_LABEL_SCAN_VOLUME,
    ];
    detected
        .into_iter()
        .chain(ATTEMPTS.iter())
        .chain(COMPLAINTS.iter())
        .chain(INSPECTIONS.iter())
        .collect()
}

/// The rule with this code.
pub fn find(code: &str) -> Option<&'static Rule> {
    all().into_iter().find(|r| r.code == code)
}

/// The inspection rule with this code.
pub fn inspection_rule(code: &str) -> Option<&'static Rule> {
    INSPECTIONS.iter().find(|r| r.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_attempt_rule_is_a_refusal_code() {
        for r in ATTEMPTS {
            let code: Result<crate::refusal::Code, _> = r.code.parse();
            assert!(
                code.is_ok(),
                "{} is not a refusal code: no refusal would ever record it",
                r.code
            );
            assert_eq!(
                code.ok().and_then(attempt_rule).map(|x| x.code),
                Some(r.code)
            );
        }
    }

    #[test]
    fn rule_codes_are_unique() {
        let all = all();
        let mut codes: Vec<&str> = all.iter().map(|r| r.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
    }

    /// docs/rules.md lists every rule, and names no rule the code does not have.
    #[test]
    fn docs_list_every_rule() {
        let doc = include_str!("../../docs/rules.md");
        let section = doc
            .split("\n## Rules\n")
            .nth(1)
            .and_then(|rest| rest.split("\n## ").next())
            .unwrap_or_default();
        let documented: std::collections::BTreeSet<&str> = section
            .lines()
            .filter(|l| l.starts_with("| `"))
            .filter_map(|l| l.split('`').nth(1))
            .collect();
        let coded: std::collections::BTreeSet<&str> = all().iter().map(|r| r.code).collect();
        assert_eq!(documented, coded);
    }
}
