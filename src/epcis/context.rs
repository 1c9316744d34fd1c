//! The subset of JSON-LD context processing needed by the hash algorithm: namespace prefixes,
//! term definitions and `@vocab`, used to expand CURIEs, user-extension field names and CBV
//! vocabulary terms into full URIs.

use serde_json::Value;
use std::collections::HashMap;

/// Prefixes defined by the EPCIS 2.0 root context (`epcis-context.jsonld`).
const BUILTIN_PREFIXES: &[(&str, &str)] = &[
    ("epcis", "https://ref.gs1.org/epcis/"),
    ("cbv", "https://ref.gs1.org/cbv/"),
    ("cbvmda", "urn:epcglobal:cbv:mda:"),
    ("gs1", "https://gs1.org/voc/"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("owl", "http://www.w3.org/2002/07/owl#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
    ("dcterms", "http://purl.org/dc/terms/"),
];

/// EPCIS 1.x CBV vocabulary URNs and the CBV 2.0 web URI prefixes they map to.
const CBV_URN_VOCABS: &[(&str, &str)] = &[
    (
        "urn:epcglobal:cbv:bizstep:",
        "https://ref.gs1.org/cbv/BizStep-",
    ),
    ("urn:epcglobal:cbv:disp:", "https://ref.gs1.org/cbv/Disp-"),
    ("urn:epcglobal:cbv:btt:", "https://ref.gs1.org/cbv/BTT-"),
    ("urn:epcglobal:cbv:sdt:", "https://ref.gs1.org/cbv/SDT-"),
    ("urn:epcglobal:cbv:er:", "https://ref.gs1.org/cbv/ER-"),
];

/// Expanded name of `rdfs:comment`, which never contributes to the hash.
pub const RDFS_COMMENT: &str = "{http://www.w3.org/2000/01/rdf-schema#}comment";

/// Namespace information collected from one or more `@context` values.
#[derive(Debug, Clone)]
pub struct Context {
    prefixes: HashMap<String, String>,
    terms: HashMap<String, String>,
    vocab: Option<String>,
}

impl Context {
    /// Builds a context from a document's `@context` value (string, object or array of both).
    /// Remote contexts referenced by URL are not fetched; the EPCIS root context prefixes are
    /// always available.
    pub fn new(ctx: &Value) -> Self {
        let prefixes = BUILTIN_PREFIXES
            .iter()
            .map(|(p, iri)| ((*p).to_owned(), (*iri).to_owned()))
            .collect();
        let mut this = Self {
            prefixes,
            terms: HashMap::new(),
            vocab: None,
        };
        this.extend(ctx);
        this
    }

    /// Adds the definitions of another `@context` value (e.g. an event-level one).
    pub fn extend(&mut self, ctx: &Value) {
        match ctx {
            Value::Array(items) => items.iter().for_each(|c| self.extend(c)),
            Value::Object(map) => {
                for (key, def) in map {
                    if key == "@vocab" {
                        self.vocab = def.as_str().map(str::to_owned);
                        continue;
                    }
                    if key.starts_with('@') {
                        continue;
                    }
                    let iri = match def {
                        Value::String(s) => Some(s.as_str()),
                        Value::Object(o) => o.get("@id").and_then(Value::as_str),
                        _ => None,
                    };
                    let Some(iri) = iri.filter(|i| !i.starts_with('@')) else {
                        continue;
                    };
                    let iri = self.expand_curie(iri).unwrap_or_else(|| iri.to_owned());
                    if iri.ends_with(['/', '#', ':', '?', '[', ']', '@']) {
                        self.prefixes.insert(key.clone(), iri.clone());
                    }
                    self.terms.insert(key.clone(), iri);
                }
            }
            _ => {}
        }
    }

    /// Expands `prefix:suffix` when `prefix` is a defined prefix; `None` otherwise.
    pub fn expand_curie(&self, value: &str) -> Option<String> {
        let (prefix, suffix) = value.split_once(':')?;
        if suffix.starts_with("//") {
            return None;
        }
        self.prefixes.get(prefix).map(|ns| format!("{ns}{suffix}"))
    }

    /// Expands a field name to the `{namespace}localName` form used in the pre-hash string.
    /// Names that cannot be expanded are returned unchanged.
    pub fn expand_key(&self, key: &str) -> String {
        if let Some((prefix, local)) = key.split_once(':') {
            if let Some(ns) = self.prefixes.get(prefix) {
                return format!("{{{ns}}}{local}");
            }
            if local.starts_with("//") || prefix == "urn" {
                return split_iri(key);
            }
            return key.to_owned();
        }
        if let Some(iri) = self.terms.get(key) {
            return split_iri(iri);
        }
        match &self.vocab {
            Some(vocab) => format!("{{{vocab}}}{key}"),
            None => key.to_owned(),
        }
    }

    /// Expands a vocabulary value (bizStep, disposition, types, …): full URIs are kept (CBV 1.x
    /// URNs are mapped to CBV 2.0 web URIs), CURIEs are expanded and bare terms are appended to
    /// `base`.
    pub fn expand_vocab(&self, value: &str, base: &str) -> String {
        for (urn, web) in CBV_URN_VOCABS {
            if let Some(term) = value.strip_prefix(urn) {
                return format!("{web}{term}");
            }
        }
        if value.contains("://") || value.starts_with("urn:") {
            return value.to_owned();
        }
        if let Some(expanded) = self.expand_curie(value) {
            return expanded;
        }
        if let Some(iri) = self.terms.get(value) {
            return iri.clone();
        }
        format!("{base}{value}")
    }
}

/// Splits a full IRI after its last `/`, `#` or `:` into `{namespace}localName`.
fn split_iri(iri: &str) -> String {
    let start = iri.find("://").map_or(0, |i| i + 3);
    match iri[start..].rfind(['/', '#', ':']) {
        Some(pos) => {
            let (ns, local) = iri.split_at(start + pos + 1);
            format!("{{{ns}}}{local}")
        }
        None => iri.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::Context;
    use serde_json::json;

    #[test]
    fn expands_keys_and_vocab() {
        let ctx = Context::new(&json!([
            "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
            {"example": "https://ns.example.com/epcis/", "myTerm": "example:myTerm"}
        ]));
        assert_eq!(
            ctx.expand_key("example:a"),
            "{https://ns.example.com/epcis/}a"
        );
        assert_eq!(
            ctx.expand_key("myTerm"),
            "{https://ns.example.com/epcis/}myTerm"
        );
        assert_eq!(
            ctx.expand_key("cbvmda:bestBeforeDate"),
            "{urn:epcglobal:cbv:mda:}bestBeforeDate"
        );
        let base = "https://ref.gs1.org/cbv/BizStep-";
        assert_eq!(
            ctx.expand_vocab("shipping", base),
            format!("{base}shipping")
        );
        assert_eq!(
            ctx.expand_vocab("urn:epcglobal:cbv:bizstep:shipping", base),
            format!("{base}shipping")
        );
        assert_eq!(
            ctx.expand_vocab("gs1:Angle", ""),
            "https://gs1.org/voc/Angle"
        );
    }
}
