//! The complaint pages' HTML (no JavaScript, escaped): the form with each field's refusal beside it, the
//! receipt with the ticket number and access code, the look-up form and the report's progress with the
//! reward claim. Chinese first; English when asked for.

use std::fmt::Write as _;

use strum::IntoEnumIterator;

use super::form::{FormFields, TicketFields};
use super::model::{Category, ComplaintStatus, Filed, TicketView};
use crate::error::AppError;
use crate::lots::labels::escape_html;
use crate::organisations::model::District;
use crate::refusal::FieldError;

/// The Chinese or the English text.
pub(super) fn t(en: bool, zh: &str, e: &str) -> String {
    if en { e } else { zh }.to_string()
}

fn shell(en: bool, title: &str, body: &str, switch_to: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title><style>\
         body{{font-family:sans-serif;margin:0;color:#111;line-height:1.5}} main{{padding:1rem;max-width:40rem;margin:auto}}\
         label{{display:block;margin-top:.8rem;font-weight:bold}} input,select,textarea{{width:100%;font-size:1rem;padding:.4rem;box-sizing:border-box}}\
         button{{margin-top:1rem;font-size:1.1rem;padding:.6rem 1.2rem}} .err{{background:#fde8e7;border:2px solid #b3261e;padding:.8rem}}\
         .ok{{background:#e6f4ea;border:2px solid #1b7f3b;padding:.8rem}} .code{{font-size:1.4rem;font-family:monospace}}\
         .field-err{{display:block;color:#b3261e;font-weight:bold}} .lang{{text-align:right}} small{{color:#555}} dl{{display:grid;grid-template-columns:8em 1fr;gap:.3rem .8rem}} dd{{margin:0}}</style></head>\
         <body><main><div class=\"lang\"><a href=\"{switch_to}\">{other}</a></div><h1>{title}</h1>{body}</main></body></html>",
        lang = if en { "en" } else { "zh-CN" },
        title = escape_html(title),
        other = if en { "中文" } else { "English" },
    )
}

/// The refusal above the form: its message, or, when it is about fields, a pointer to them.
fn error_box(en: bool, err: &AppError) -> String {
    let p = err.problem();
    let text = if !p.errors.is_empty() {
        t(
            en,
            "请更正下面标出的内容。",
            "Please correct the fields marked below.",
        )
    } else if en {
        p.detail_en
    } else {
        p.detail
    };
    format!("<p class=\"err\" role=\"alert\">{}</p>", escape_html(&text))
}

/// A field's own refusal, shown under it (nothing when the field is fine).
fn field_error(en: bool, errors: &[FieldError], name: &str) -> String {
    errors
        .iter()
        .filter(|e| e.field == name)
        .map(|e| {
            format!(
                "<small class=\"field-err\" id=\"{name}-error\">{}</small>",
                escape_html(if en { &e.detail_en } else { &e.detail })
            )
        })
        .collect()
}

pub(super) fn form_page(en: bool, f: &FormFields, error: Option<&AppError>) -> String {
    let lang = if en { "en" } else { "zh" };
    let mut b = String::new();
    if let Some(e) = error {
        b.push_str(&error_box(en, e));
    }
    let errors = error.map(|e| e.problem().errors).unwrap_or_default();
    let _ = write!(
        b,
        "<p>{intro}</p><form method=\"post\" action=\"/complaints/new\"><input type=\"hidden\" name=\"lang\" value=\"{lang}\">\
         <input type=\"hidden\" name=\"submission\" value=\"{submission}\">\
         <label for=\"category\">{cat}</label><select id=\"category\" name=\"category\" required>",
        submission = escape_html(
            &f.submission
                .clone()
                .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
        ),
        intro = t(
            en,
            "发现私屠滥宰，或未经检疫检验、检疫检验不合格、病死、注水、掺假的牛羊肉，请在此举报。举报人信息严格保密；经查属实的，给予奖励。也可拨打 12345。",
            "Report unlicensed slaughter, or beef and mutton that is unquarantined, uninspected, failed, from sick or dead animals, water-injected or adulterated. Your identity is kept confidential; verified reports are rewarded. You can also call 12345."
        ),
        cat = t(en, "举报类别", "What is wrong"),
    );
    for c in Category::iter() {
        let code: &'static str = c.into();
        let (zh, e) = c.names();
        let selected = if f.category.as_deref() == Some(code) {
            " selected"
        } else {
            ""
        };
        let _ = write!(
            b,
            "<option value=\"{code}\"{selected}>{}</option>",
            escape_html(if en { e } else { zh })
        );
    }
    b.push_str("</select>");
    b.push_str(&field_error(en, &errors, "category"));
    let field = |b: &mut String,
                 name: &str,
                 label: String,
                 value: &Option<String>,
                 hint: String| {
        let _ = write!(
            b,
            "<label for=\"{name}\">{}</label><input id=\"{name}\" name=\"{name}\" value=\"{}\"><small>{}</small>{}",
            escape_html(&label),
            escape_html(value.as_deref().unwrap_or("")),
            escape_html(&hint),
            field_error(en, &errors, name)
        );
    };
    let _ = write!(
        b,
        "<label for=\"description\">{}</label><textarea id=\"description\" name=\"description\" rows=\"5\" maxlength=\"2000\" required>{}</textarea>{}",
        t(en, "发生了什么", "What happened"),
        escape_html(f.description.as_deref().unwrap_or("")),
        field_error(en, &errors, "description")
    );
    field(
        &mut b,
        "place",
        t(en, "地点", "Where"),
        &f.place,
        t(en, "市场、街道、档口号", "market, street, stall number"),
    );
    let _ = write!(b, "<label for=\"district\">{}</label><select id=\"district\" name=\"district\"><option value=\"\">{}</option>",
        t(en, "所在区", "District"), t(en, "（不清楚）", "(not sure)"));
    for d in District::iter() {
        let code: &'static str = d.into();
        let selected = if f.district.as_deref() == Some(code) {
            " selected"
        } else {
            ""
        };
        let name = if en {
            code.to_string()
        } else {
            d.zh().to_string()
        };
        let _ = write!(
            b,
            "<option value=\"{code}\"{selected}>{}</option>",
            escape_html(&name)
        );
    }
    b.push_str("</select>");
    b.push_str(&field_error(en, &errors, "district"));
    field(
        &mut b,
        "subject_name",
        t(en, "被举报的商户或屠宰点", "Business or slaughter point"),
        &f.subject_name,
        String::new(),
    );
    field(
        &mut b,
        "code",
        t(
            en,
            "追溯码（标签上的 12 位码，可不填）",
            "Trace code (12 characters on the label, optional)",
        ),
        &f.code,
        String::new(),
    );
    field(
        &mut b,
        "reporter_name",
        t(en, "您的姓名（可不填）", "Your name (optional)"),
        &f.reporter_name,
        String::new(),
    );
    field(
        &mut b,
        "reporter_phone",
        t(en, "联系电话（可不填）", "Your phone (optional)"),
        &f.reporter_phone,
        t(
            en,
            "仅承办人员可见，依法保密",
            "seen only by the officer handling it; kept confidential by law",
        ),
    );
    let _ = write!(
        b,
        "<button type=\"submit\">{}</button></form><p><a href=\"/complaints/status?lang={lang}\">{}</a></p>",
        t(en, "提交举报", "Submit"),
        t(en, "已举报？查询办理进度", "Already reported? Check its progress")
    );
    shell(
        en,
        &t(en, "牛羊肉问题举报", "Report a meat problem"),
        &b,
        &format!("/complaints/new?lang={}", if en { "zh" } else { "en" }),
    )
}

/// The receipt of a filing: the ticket number and the access code, shown once.
pub(super) fn receipt_page(en: bool, filed: &Filed) -> String {
    let lang = if en { "en" } else { "zh" };
    let body = format!(
        "<div class=\"ok\"><p>{done}</p><dl><dt>{tn}</dt><dd class=\"code\">{ticket}</dd><dt>{ac}</dt><dd class=\"code\">{code}</dd>\
         <dt>{to}</dt><dd>{routed}</dd><dt>{due}</dt><dd>{conclude}</dd></dl></div><p><strong>{keep}</strong></p>\
         <p><a href=\"/complaints/status?lang={lang}\">{check}</a></p>",
        done = t(en, "举报已受理。", "Your report has been received."),
        tn = t(en, "受理编号", "Ticket"),
        ticket = escape_html(&filed.ticket_no),
        ac = t(en, "查询码", "Access code"),
        code = escape_html(&filed.access_code),
        to = t(en, "承办部门", "Handled by"),
        routed = escape_html(&filed.routed_to),
        due = t(en, "办结期限", "To be concluded by"),
        conclude = filed.conclude_due,
        keep = t(en, "请抄下受理编号和查询码：凭两者查询进度、查看答复、领取奖励。查询码只显示这一次。",
            "Write down the ticket number and access code: you need both to follow the report, read the reply and claim a reward. The access code is shown only this once."),
        check = t(en, "查询办理进度", "Check progress"),
    );
    shell(
        en,
        &t(en, "举报已受理", "Report received"),
        &body,
        "/complaints/status",
    )
}

/// The refusal of a look-up or a claim, with each field's refusal named (the claim's fields are on the
/// progress page, not on this form).
fn lookup_error(en: bool, err: &AppError) -> String {
    let p = err.problem();
    if p.errors.is_empty() {
        return error_box(en, err);
    }
    let items: String = p
        .errors
        .iter()
        .map(|e| {
            let label = match e.field.as_str() {
                "name" => t(en, "领奖人姓名", "Payee name"),
                "phone" => t(en, "联系电话", "Phone"),
                "account" => t(en, "收款账户", "Payment account"),
                other => other.to_string(),
            };
            let detail = if en { &e.detail_en } else { &e.detail };
            format!("<li>{}：{}</li>", escape_html(&label), escape_html(detail))
        })
        .collect();
    format!("<div class=\"err\" role=\"alert\"><ul>{items}</ul></div>")
}

pub(super) fn lookup_form(en: bool, f: &TicketFields, error: Option<&AppError>) -> String {
    let lang = if en { "en" } else { "zh" };
    let mut b = String::new();
    if let Some(e) = error {
        b.push_str(&lookup_error(en, e));
    }
    let _ = write!(
        b,
        "<form method=\"post\" action=\"/complaints/status\"><input type=\"hidden\" name=\"lang\" value=\"{lang}\">\
         <label for=\"ticket_no\">{tn}</label><input id=\"ticket_no\" name=\"ticket_no\" value=\"{ticket}\" required>\
         <label for=\"access_code\">{ac}</label><input id=\"access_code\" name=\"access_code\" required autocomplete=\"off\">\
         <button type=\"submit\">{go}</button></form><p><a href=\"/complaints/new?lang={lang}\">{new}</a></p>",
        tn = t(en, "受理编号", "Ticket"),
        ticket = escape_html(f.ticket_no.as_deref().unwrap_or("")),
        ac = t(en, "查询码", "Access code"),
        go = t(en, "查询", "Check"),
        new = t(en, "我要举报", "Report a problem"),
    );
    shell(
        en,
        &t(en, "举报办理进度查询", "Follow a report"),
        &b,
        &format!("/complaints/status?lang={}", if en { "zh" } else { "en" }),
    )
}

pub(super) fn ticket_page(
    en: bool,
    v: &TicketView,
    f: &TicketFields,
    note: Option<String>,
) -> String {
    let lang = if en { "en" } else { "zh" };
    let mut b = String::new();
    if let Some(n) = note {
        let _ = write!(b, "<p class=\"ok\">{}</p>", escape_html(&n));
    }
    let _ = write!(
        b,
        "<dl><dt>{tn}</dt><dd>{ticket}</dd><dt>{cat}</dt><dd>{category}</dd><dt>{st}</dt><dd><strong>{status}</strong></dd>\
         <dt>{by}</dt><dd>{handled}</dd><dt>{rec}</dt><dd>{received}</dd><dt>{due}</dt><dd>{conclude}</dd>",
        tn = t(en, "受理编号", "Ticket"),
        ticket = escape_html(&v.ticket_no),
        cat = t(en, "类别", "Category"),
        category = escape_html(if en { &v.category_en } else { &v.category }),
        st = t(en, "状态", "Status"),
        status = escape_html(if en { &v.status_en } else { &v.status_zh }),
        by = t(en, "承办部门", "Handled by"),
        handled = escape_html(&v.handled_by),
        rec = t(en, "受理时间", "Received"),
        received = escape_html(&crate::time::show(v.received_at)),
        due = t(en, "办结期限", "Conclude by"),
        conclude = v.conclude_due,
    );
    if let Some(r) = &v.reply {
        let _ = write!(
            b,
            "<dt>{}</dt><dd>{}</dd>",
            t(en, "答复", "Reply"),
            escape_html(r)
        );
    }
    if let Some(fen) = v.reward_fen {
        let paid = match v.reward_paid_on {
            Some(d) => format!("{}{d}", t(en, "，已于 ", ", paid on ")),
            None if v.reward_claimed => t(en, "，已申领，待支付", ", claimed, awaiting payment"),
            None => t(en, "，待申领", ", not yet claimed"),
        };
        let _ = write!(
            b,
            "<dt>{}</dt><dd>{} {}{}</dd>",
            t(en, "奖励", "Reward"),
            crate::money::yuan(fen),
            t(en, "元", "yuan"),
            escape_html(&paid)
        );
    }
    if let Some(erased) = v.reporter_erased_at {
        let _ = write!(
            b,
            "<dt>{}</dt><dd>{}</dd>",
            t(en, "个人信息", "Your details"),
            escape_html(&format!(
                "{}{}{}",
                t(
                    en,
                    "您的姓名、电话等个人信息已删除（保存期限届满，",
                    "Your name, phone and payment details have been erased (retention period over, "
                ),
                crate::time::show(erased),
                t(en, "）", ")")
            ))
        );
    }
    b.push_str("</dl>");
    if v.status == ComplaintStatus::Rewarded && !v.reward_claimed {
        let _ = write!(
            b,
            "<h2>{h}</h2><form method=\"post\" action=\"/complaints/claim\"><input type=\"hidden\" name=\"lang\" value=\"{lang}\">\
             <input type=\"hidden\" name=\"ticket_no\" value=\"{ticket}\"><input type=\"hidden\" name=\"access_code\" value=\"{code}\">\
             <label for=\"name\">{n}</label><input id=\"name\" name=\"name\" required>\
             <label for=\"phone\">{p}</label><input id=\"phone\" name=\"phone\" required>\
             <label for=\"account\">{a}</label><input id=\"account\" name=\"account\"><small>{conf}</small>\
             <button type=\"submit\">{go}</button></form>",
            h = t(en, "申领奖励", "Claim your reward"),
            ticket = escape_html(&v.ticket_no),
            code = escape_html(f.access_code.as_deref().unwrap_or("")),
            n = t(en, "领奖人姓名", "Payee name"),
            p = t(en, "联系电话", "Phone"),
            a = t(en, "收款账户（可不填，可到承办部门领取）", "Payment account (optional; or collect it in person)"),
            conf = t(en, "仅承办人员可见，依法保密", "seen only by the officer handling it; kept confidential by law"),
            go = t(en, "提交申领", "Claim"),
        );
    }
    shell(
        en,
        &t(en, "举报办理进度", "Report progress"),
        &b,
        &format!("/complaints/status?lang={}", if en { "zh" } else { "en" }),
    )
}
