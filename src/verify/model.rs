//! What a verification answers.

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

crate::text_enum! {
    /// The verdict on a code.
    pub enum VerifyStatus {
        /// In date, not recalled, not disposed of.
        Valid,
        /// Recalled (it, or the lot it was cut from).
        Recalled,
        /// Disposed of at its slaughterhouse.
        Disposed,
        /// Past its use-by date.
        Expired,
        /// A well-formed code the system does not know (possibly a counterfeit label).
        Unknown,
        /// A code that fails its check character: mistyped?
        Mistyped,
    }
}

impl VerifyStatus {
    /// Short verdict and what to do, in Chinese and English.
    pub fn advice(self) -> (&'static str, &'static str, &'static str, &'static str) {
        match self {
            VerifyStatus::Valid => (
                "检疫检验合格，可放心购买",
                "您购买的产品来自定点屠宰厂，检疫、检验合格，在保质期内。",
                "Passed quarantine and inspection",
                "This meat comes from a designated slaughterhouse, passed quarantine and inspection, and is within its use-by date.",
            ),
            VerifyStatus::Recalled => (
                "已召回，请勿食用",
                "该产品已被监管部门召回。请勿购买或食用，可向商家退货，并可拨打 12345 举报。",
                "Recalled: do not eat",
                "This meat has been recalled by the authorities. Do not buy or eat it; return it to the seller, and call 12345 to report.",
            ),
            VerifyStatus::Disposed => (
                "已无害化处理，不应在售",
                "该批产品已在屠宰厂作无害化处理，不应出现在市场上。请勿购买，并拨打 12345 举报。",
                "Disposed of: should not be on sale",
                "This lot was destroyed at the slaughterhouse and should not be on sale. Do not buy it; call 12345 to report.",
            ),
            VerifyStatus::Expired => (
                "已过保质期",
                "该产品已超过保质期，请勿购买或食用。",
                "Past its use-by date",
                "This meat is past its use-by date. Do not buy or eat it.",
            ),
            VerifyStatus::Unknown => (
                "查无此码，谨防假冒",
                "追溯码格式正确，但系统中没有这个产品，标签可能是假冒的。请向商家索取检疫、检验证明，或拨打 12345 举报。",
                "Unknown code: beware of fakes",
                "The code is well formed but unknown: the label may be counterfeit. Ask the seller for the certificates, or call 12345.",
            ),
            VerifyStatus::Mistyped => (
                "追溯码有误，请核对",
                "追溯码的校验位不符，可能输错了。请对照标签重新输入或扫码。",
                "Mistyped code?",
                "The code's check character does not match: it may be mistyped. Check it against the label or scan again.",
            ),
        }
    }
}

/// The slaughterhouse, as the public sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicHouse {
    /// Name.
    pub name: String,
    /// District (Chinese).
    pub district: Option<String>,
    /// 定点证号.
    pub designation_no: String,
    /// Designation status now (Chinese).
    pub status: String,
    /// In the meat safety information network today?
    pub in_network_today: bool,
}

/// Where the animals came from.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq, PartialOrd, Ord)]
pub struct Origin {
    /// Place of origin.
    pub place: String,
    /// Certificate form (动物A / 动物B).
    pub certificate_type: String,
    /// Certificate number.
    pub certificate_no: String,
}

/// A certificate as the public sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicCertificate {
    /// Number.
    pub number: String,
    /// Form, where it has one (产品A / 产品B).
    pub kind: Option<String>,
    /// Last valid day (product certificate) or day of inspection.
    pub date: NaiveDate,
    /// Who issued it.
    pub issuer: String,
}

/// One holder in the chain.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Holder {
    /// Kind (Chinese).
    pub kind: String,
    /// District (Chinese).
    pub district: Option<String>,
}

/// Everything known of a lot that the public may see.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LotFacts {
    /// Product (Chinese).
    pub product: String,
    /// Weight, grams.
    pub weight_g: i64,
    /// Halal.
    pub halal: bool,
    /// Use-by date.
    pub use_by: NaiveDate,
    /// Slaughter date.
    pub slaughter_date: NaiveDate,
    /// Species (Chinese).
    pub species: String,
    /// The slaughterhouse.
    pub slaughterhouse: PublicHouse,
    /// Origins (a batch may draw on several certificates).
    pub origins: Vec<Origin>,
    /// Product quarantine certificate (动物检疫合格证明 产品A/B).
    pub product_certificate: PublicCertificate,
    /// Inspection certificate (广州市畜产品检验合格证).
    pub inspection_certificate: PublicCertificate,
    /// Holders from the slaughterhouse on, by kind and district.
    pub chain: Vec<Holder>,
    /// GTIN, when it has one.
    pub gtin: Option<String>,
}

/// A verification.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Verification {
    /// The code as asked (normalised when it parses).
    pub code: String,
    /// Verdict.
    pub status: VerifyStatus,
    /// Verdict in Chinese.
    pub title: String,
    /// What it means and what to do, Chinese.
    pub advice: String,
    /// Verdict in English.
    pub title_en: String,
    /// What it means and what to do, English.
    pub advice_en: String,
    /// Suspected copied label (a warning on top of any status), when there is one.
    pub copied_label_warning: Option<String>,
    /// The same warning in English.
    pub copied_label_warning_en: Option<String>,
    /// The lot's id (kept inside the service, for counting).
    #[serde(skip)]
    pub lot_id: Option<String>,
    /// The lot, for a known code.
    pub lot: Option<LotFacts>,
}

impl Verification {
    /// An answer with no lot facts.
    pub fn bare(code: String, status: VerifyStatus) -> Verification {
        let (t, a, te, ae) = status.advice();
        Verification {
            code,
            status,
            title: t.into(),
            advice: a.into(),
            title_en: te.into(),
            advice_en: ae.into(),
            copied_label_warning: None,
            copied_label_warning_en: None,
            lot_id: None,
            lot: None,
        }
    }
}
