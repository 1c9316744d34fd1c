//! The public verification: JSON, the phone page inside every QR label, and the GS1 Digital Link address.

use std::fmt::Write as _;

use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::model::{Verification, VerifyStatus};
use super::usecases;
use crate::error::{AppResult, Problem};
use crate::lots::labels::{escape_html, format_weight};
use crate::state::AppState;

/// Where the shopper came from.
#[derive(Debug, Deserialize, IntoParams)]
pub struct VerifyQuery {
    /// The stall whose board the shopper came from (its id), if any.
    pub stall: Option<String>,
}

/// Verify a trace code (no login).
#[utoipa::path(
    tag = "public",
    params(("code" = String, Path, description = "trace code, with or without hyphens"), VerifyQuery),
    responses((status = 200, body = Verification), (status = 429, description = "too many requests; see Retry-After", body = Problem))
)]
#[get("/verify/{code}")]
pub async fn verify_json(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
    query: web::Query<VerifyQuery>,
) -> AppResult<HttpResponse> {
    state.auth.limits.verification(&req)?;
    let c = usecases::verify(&state, &code.into_inner(), query.stall.as_deref()).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .body(c.json))
}

/// Page language.
#[derive(Debug, Deserialize, IntoParams)]
pub struct PageQuery {
    /// `en` for English; Chinese otherwise.
    pub lang: Option<String>,
    /// The stall whose board the shopper came from (its id), if any.
    pub stall: Option<String>,
}

/// The verification page for a phone (no login, no JavaScript): the address inside every QR label.
#[utoipa::path(
    tag = "public",
    params(("code" = String, Path, description = "trace code"), PageQuery),
    responses((status = 200, content_type = "text/html", description = "the page"))
)]
#[get("/t/{code}")]
pub async fn page(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
    query: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    state.auth.limits.verification(&req)?;
    let v = usecases::verify(&state, &code.into_inner(), query.stall.as_deref()).await?;
    Ok(render(&v.verification, query.lang.as_deref() == Some("en")))
}

/// The GS1 Digital Link address of a lot with a GTIN: the same page. A GTIN that is not the lot's is
/// answered as an unknown code.
#[utoipa::path(
    tag = "public",
    params(("gtin" = String, Path, description = "GTIN"), ("code" = String, Path, description = "trace code (GS1 AI 10, batch/lot)"), PageQuery),
    responses((status = 200, content_type = "text/html", description = "the page"))
)]
#[get("/01/{gtin}/10/{code}")]
pub async fn digital_link(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    query: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    state.auth.limits.verification(&req)?;
    let (gtin, code) = path.into_inner();
    let v = usecases::digital_link(&state, &gtin, &code, query.stall.as_deref()).await?;
    Ok(render(&v, query.lang.as_deref() == Some("en")))
}

fn render(v: &Verification, en: bool) -> HttpResponse {
    let (bg, fg) = match v.status {
        VerifyStatus::Valid => ("#1b7f3b", "#fff"),
        VerifyStatus::Recalled | VerifyStatus::Disposed => ("#b3261e", "#fff"),
        _ => ("#f2a900", "#111"),
    };
    let t = |zh: &str, e: &str| if en { e.to_string() } else { zh.to_string() };
    let (title, advice) = if en {
        (&v.title_en, &v.advice_en)
    } else {
        (&v.title, &v.advice)
    };
    let code_display = crate::lots::trace_code::display(&v.code);
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{page_title}</title><style>\
         body{{font-family:sans-serif;margin:0;color:#111;line-height:1.5}} main{{padding:1rem;max-width:40rem;margin:auto}}\
         .banner{{background:{bg};color:{fg};padding:1.5rem 1rem;font-size:1.6rem;font-weight:bold;text-align:center}}\
         .banner small{{display:block;font-size:1rem;font-weight:normal;margin-top:.5rem}}\
         dl{{display:grid;grid-template-columns:8.5em 1fr;gap:.3rem .8rem}} dt{{color:#555}} dd{{margin:0}}\
         .warn{{background:#fff3cd;border:2px solid #f2a900;padding:.8rem;margin:1rem 0;font-weight:bold}}\
         .lang{{text-align:right}} a{{color:#0b57d0}} code{{font-size:1.1rem}}</style></head><body>\
         <div class=\"lang\"><a href=\"?lang={other}\">{other_name}</a></div>\
         <div class=\"banner\">{title}<small>{code_label} <code>{code}</code></small></div><main><p>{advice}</p>",
        lang = if en { "en" } else { "zh-CN" },
        page_title = escape_html(&t("牛羊肉追溯查询", "Meat trace check")),
        other = if en { "zh" } else { "en" },
        other_name = if en { "中文" } else { "English" },
        title = escape_html(title),
        code_label = t("追溯码", "Trace code"),
        code = escape_html(&code_display),
        advice = escape_html(advice),
    );
    let warning = if en {
        &v.copied_label_warning_en
    } else {
        &v.copied_label_warning
    };
    if let Some(w) = warning {
        let _ = write!(
            h,
            "<div class=\"warn\" role=\"alert\">{}</div>",
            escape_html(w)
        );
    }
    if let Some(l) = &v.lot {
        h.push_str("<dl>");
        let mut row = |k: String, val: String| {
            let _ = write!(
                h,
                "<dt>{}</dt><dd>{}</dd>",
                escape_html(&k),
                escape_html(&val)
            );
        };
        row(
            t("产品", "Product"),
            format!("{} · {}", l.species, l.product),
        );
        row(t("重量", "Weight"), format_weight(l.weight_g));
        row(
            t("清真", "Halal"),
            t(
                if l.halal { "是" } else { "否" },
                if l.halal { "yes" } else { "no" },
            ),
        );
        row(t("屠宰日期", "Slaughtered"), l.slaughter_date.to_string());
        row(t("保质期至", "Use by"), l.use_by.to_string());
        row(
            t("定点屠宰厂", "Slaughterhouse"),
            format!(
                "{}（{}，{}，{}）",
                l.slaughterhouse.name,
                l.slaughterhouse.district.clone().unwrap_or_default(),
                l.slaughterhouse.designation_no,
                l.slaughterhouse.status
            ),
        );
        for o in &l.origins {
            row(
                t("产地", "Origin"),
                format!("{}（{} {}）", o.place, o.certificate_type, o.certificate_no),
            );
        }
        row(
            t("检疫证明", "Quarantine cert."),
            format!(
                "{} {}，{} {}，{}",
                l.product_certificate.kind.clone().unwrap_or_default(),
                l.product_certificate.number,
                t("有效至", "valid until"),
                l.product_certificate.date,
                l.product_certificate.issuer
            ),
        );
        row(
            t("检验合格证", "Inspection cert."),
            format!(
                "{}，{}，{}",
                l.inspection_certificate.number,
                l.inspection_certificate.date,
                l.inspection_certificate.issuer
            ),
        );
        let chain: Vec<String> = l
            .chain
            .iter()
            .map(|c| format!("{}{}", c.district.clone().unwrap_or_default(), c.kind))
            .collect();
        row(t("流通环节", "Chain"), chain.join(" → "));
        h.push_str("</dl>");
    }
    let _ = write!(
        h,
        "<p><a href=\"/complaints/new?code={code}\">{report}</a></p><p>{hotline}</p></main></body></html>",
        code = escape_html(&v.code),
        report = t("对这批产品有疑问？我要举报", "Something wrong with this meat? Report it"),
        hotline = t("也可拨打 12345 政府服务热线", "Or call the 12345 government hotline"),
    );
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(("cache-control", "no-store"))
        .body(h)
}
