//! The complaint pages' forms, read into the same commands as the JSON API ([`FileRequest`],
//! [`TicketRequest`], [`ClaimRequest`]) through the same edge types, so that a page refuses exactly what the
//! API refuses. Unlike a JSON body, which stops at its first bad value, a form is read whole: every field's
//! refusal is kept (`Refusal::fields`) under the form's own field name, for the page to show beside it.

use serde::Deserialize;
use utoipa::IntoParams;

use super::fields::ReportedCode;
use super::model::Category;
use super::usecases::{ClaimRequest, FileRequest, TicketRequest};
use crate::input::{Line, Phone, Text};
use crate::organisations::model::District;
use crate::refusal::Refusal;
use crate::validate::invalid_field;

/// The complaint form's fields, all as text so that any submission reaches the checks (and its messages).
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
pub struct FormFields {
    /// Category.
    pub category: Option<String>,
    /// What happened.
    pub description: Option<String>,
    /// Where.
    pub place: Option<String>,
    /// District.
    pub district: Option<String>,
    /// Business named.
    pub subject_name: Option<String>,
    /// Trace code.
    pub code: Option<String>,
    /// Name.
    pub reporter_name: Option<String>,
    /// Phone.
    pub reporter_phone: Option<String>,
    /// Language.
    pub lang: Option<String>,
    /// The submission's idempotency key: a fresh UUID in every form served, so submitting the same form
    /// twice (a double click, a reload) files once. Never taken from the address.
    #[param(ignore)]
    pub submission: Option<String>,
}

/// Collects each field's refusal under its name.
#[derive(Default)]
struct Reader {
    errors: Vec<Refusal>,
}

impl Reader {
    /// A field that must be given: read by `parse` from its text (empty when absent).
    fn required<T>(
        &mut self,
        field: &str,
        value: &Option<String>,
        parse: impl FnOnce(&str) -> Result<T, Refusal>,
    ) -> Option<T> {
        parse(value.as_deref().unwrap_or(""))
            .map_err(|r| self.errors.push(r.at(field)))
            .ok()
    }

    /// An optional field: empty or only white space is not given (as `crate::input::blank_as_none` reads
    /// a JSON body), anything else is read by `parse`.
    fn optional<T>(
        &mut self,
        field: &str,
        value: &Option<String>,
        parse: impl FnOnce(&str) -> Result<T, Refusal>,
    ) -> Option<T> {
        let v = value.as_deref().filter(|v| !v.trim().is_empty())?;
        self.required(field, &Some(v.to_string()), parse)
    }

    /// Every refusal at once, or nothing.
    fn finish(self) -> Result<(), Refusal> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(Refusal::fields(self.errors))
        }
    }
}

/// Reads a field of a closed list (`<select>`): not one of the list is "choose one".
fn choice<T: std::str::FromStr>(field: &str, zh: &str, v: &str) -> Result<T, Refusal> {
    v.trim()
        .parse::<T>()
        .map_err(|_| invalid_field(field, zh, "请选择一项".into(), "choose one".into()))
}

/// The one refusal given when a form lacks what it cannot lack (never, once every field is read).
fn incomplete(fields: &[&str]) -> Refusal {
    Refusal::fields(
        fields
            .iter()
            .map(|f| invalid_field(f, f, "不能为空".into(), "must not be empty".into()).at(*f))
            .collect(),
    )
}

impl FormFields {
    /// The complaint the form files, or every field's refusal (named as the form names them: the trace code
    /// is `code`).
    pub fn request(&self) -> Result<FileRequest, Refusal> {
        let mut r = Reader::default();
        let category = r.required("category", &self.category, |v| {
            choice::<Category>("category", "举报类别", v)
        });
        let description = r.required("description", &self.description, Text::<2000>::new);
        let place = r.optional("place", &self.place, Line::<200>::new);
        let district = r.optional("district", &self.district, |v| {
            choice::<District>("district", "所在区", v)
        });
        let subject_name = r.optional("subject_name", &self.subject_name, Line::<200>::new);
        let trace_code = r.optional("code", &self.code, ReportedCode::new);
        let reporter_name = r.optional("reporter_name", &self.reporter_name, Line::<50>::new);
        let reporter_phone = r.optional("reporter_phone", &self.reporter_phone, Phone::new);
        r.finish()?;
        let (Some(category), Some(description)) = (category, description) else {
            return Err(incomplete(&["category", "description"]));
        };
        Ok(FileRequest {
            category,
            description,
            place,
            district,
            subject_org_id: None,
            subject_name,
            trace_code,
            reporter_name,
            reporter_phone,
            work_order_no: None,
        })
    }
}

/// Look-up and claim fields, posted as a form (never read from the address: it would carry the access code).
#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
pub struct TicketFields {
    /// Ticket number.
    pub ticket_no: Option<String>,
    /// Access code.
    pub access_code: Option<String>,
    /// Payee name (claim).
    pub name: Option<String>,
    /// Payee phone (claim).
    pub phone: Option<String>,
    /// Payee account (claim).
    pub account: Option<String>,
    /// Language.
    pub lang: Option<String>,
}

impl TicketFields {
    /// The look-up: any ticket number and access code (a wrong pair is an unknown ticket).
    pub fn ticket(&self) -> TicketRequest {
        TicketRequest {
            ticket_no: self.ticket_no.clone().unwrap_or_default(),
            access_code: self.access_code.clone().unwrap_or_default(),
        }
    }

    /// The reward claim, or every field's refusal.
    pub fn claim(&self) -> Result<ClaimRequest, Refusal> {
        let mut r = Reader::default();
        let name = r.required("name", &self.name, Line::<50>::new);
        let phone = r.required("phone", &self.phone, Phone::new);
        let account = r.optional("account", &self.account, Line::<60>::new);
        r.finish()?;
        let (Some(name), Some(phone)) = (name, phone) else {
            return Err(incomplete(&["name", "phone"]));
        };
        let t = self.ticket();
        Ok(ClaimRequest {
            ticket_no: t.ticket_no,
            access_code: t.access_code,
            name,
            phone,
            account,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::refusal::Code;

    /// The same values as a JSON body (the API) and as a form (the page).
    fn both(fields: &[(&str, &str)]) -> (Result<FileRequest, Code>, Result<FileRequest, Code>) {
        let mut json = serde_json::Map::new();
        let mut form = FormFields::default();
        for (k, v) in fields {
            let api_name = if *k == "code" { "trace_code" } else { k };
            json.insert(api_name.to_string(), serde_json::json!(v));
            let slot = match *k {
                "category" => &mut form.category,
                "description" => &mut form.description,
                "place" => &mut form.place,
                "district" => &mut form.district,
                "subject_name" => &mut form.subject_name,
                "code" => &mut form.code,
                "reporter_name" => &mut form.reporter_name,
                "reporter_phone" => &mut form.reporter_phone,
                other => panic!("{other}"),
            };
            *slot = Some(v.to_string());
        }
        let body = serde_json::Value::Object(json).to_string();
        let api = crate::body::read::<FileRequest>(body.as_bytes()).map_err(|r| r.code);
        let page = form.request().map_err(|r| r.code);
        (api, page)
    }

    #[test]
    fn the_form_refuses_what_the_api_refuses() {
        let good = [("category", "other"), ("description", "注水牛肉")];
        let cases: &[(&str, &str)] = &[
            ("description", "  "),
            ("description", "a\u{0}b"),
            ("reporter_phone", "call me"),
            ("reporter_phone", "+86 138 1234 1234"),
            ("reporter_phone", "   "),
            ("place", "江南市场\n12 号"),
            ("reporter_name", "张三\u{202e}"),
            ("code", "7K3M-Q9XA-2RTX"),
            ("subject_name", ""),
        ];
        for (field, value) in cases {
            let mut fields: Vec<(&str, &str)> =
                good.iter().filter(|(k, _)| k != field).copied().collect();
            fields.push((field, value));
            let (api, page) = both(&fields);
            assert_eq!(
                api.as_ref().map(|_| ()).map_err(|c| *c),
                page.as_ref().map(|_| ()).map_err(|c| *c),
                "{field} = {value:?}"
            );
        }
    }

    #[test]
    fn every_bad_field_of_the_form_is_named() {
        let form = FormFields {
            category: Some("rotten".into()),
            description: Some(" ".into()),
            reporter_phone: Some("12345".into()),
            ..FormFields::default()
        };
        let r = form.request().err().map(|r| r.fields);
        let names: Vec<String> = r.unwrap_or_default().into_iter().map(|f| f.field).collect();
        assert_eq!(names, ["category", "description", "reporter_phone"]);
    }
}
