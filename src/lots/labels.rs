//! QR labels for meat lots: QR codes as PNG or SVG, and printable A4 label sheets.
//! Pure rendering with no I/O; callers map [`LabelError`] to the service's error type.

use std::fmt::Write as _;

use chrono::NaiveDate;
use image::codecs::png::PngEncoder;
use image::{ExtendedColorType, ImageEncoder, Luma};
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// Pixels per QR module in the PNG; at 8 px a printed label scans easily with a phone.
const MODULE_PX: u32 = 8;

/// Labels on one A4 sheet: 3 columns × 8 rows.
const LABELS_PER_SHEET: usize = 24;

/// Errors come back as this (the project maps it to its own error type).
#[derive(Debug)]
pub struct LabelError(pub String);

impl std::fmt::Display for LabelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "label rendering failed: {}", self.0)
    }
}

impl std::error::Error for LabelError {}

/// Encodes `data` as a QR code with error-correction level M.
fn encode(data: &str) -> Result<QrCode, LabelError> {
    QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M)
        .map_err(|e| LabelError(format!("cannot encode QR code: {e}")))
}

/// Renders `data` as a QR code PNG (8-bit greyscale; error-correction level M,
/// 4-module quiet zone, 8 px per module) and returns the PNG bytes.
///
/// # Errors
/// When `data` is too long for a QR code, or PNG encoding fails.
pub fn qr_png(data: &str) -> Result<Vec<u8>, LabelError> {
    let img = encode(data)?
        .render::<Luma<u8>>()
        .quiet_zone(true)
        .module_dimensions(MODULE_PX, MODULE_PX)
        .build();
    let mut png = Vec::new();
    PngEncoder::new(&mut png)
        .write_image(
            img.as_raw(),
            img.width(),
            img.height(),
            ExtendedColorType::L8,
        )
        .map_err(|e| LabelError(format!("cannot encode PNG: {e}")))?;
    Ok(png)
}

/// Renders `data` as a standalone `<svg>` document (the same QR code as [`qr_png`]:
/// level M, quiet zone, 8 user units per module, with a `viewBox` so it scales).
/// There is no XML declaration, so the result can also be inlined into HTML.
///
/// # Errors
/// When `data` is too long for a QR code.
pub fn qr_svg(data: &str) -> Result<String, LabelError> {
    let doc = encode(data)?
        .render::<svg::Color<'_>>()
        .quiet_zone(true)
        .module_dimensions(MODULE_PX, MODULE_PX)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    // qrcode prefixes an XML declaration; drop it (and anything else before `<svg`).
    match doc.find("<svg") {
        Some(start) => Ok(doc[start..].to_owned()),
        None => Err(LabelError("QR renderer produced no <svg> element".into())),
    }
}

/// What one printed label shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelData {
    /// What the QR encodes (the public verification address).
    pub url: String,
    /// The trace code; printed in groups of four, e.g. "ABCD-EFGH-JKLM".
    pub trace_code: String,
    /// Product description, e.g. "牛 · 分割肉 · 牛腩".
    pub product: String,
    /// Net weight in grams; printed as kilograms with 2 decimals, e.g. "12.35 kg".
    pub weight_g: i64,
    /// Date of slaughter (屠宰日期).
    pub slaughter_date: NaiveDate,
    /// Use-by date (保质期至).
    pub use_by: NaiveDate,
    /// Shows a clear 清真 HALAL mark when true.
    pub halal: bool,
    /// Name of the slaughterhouse.
    pub slaughterhouse: String,
}

/// Escapes the five HTML-significant characters `& < > " '`.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Prints a trace code in groups of four characters joined by '-'.
/// Existing '-' and whitespace are dropped first, so already grouped codes stay the same.
fn group_trace_code(code: &str) -> String {
    let mut out = String::with_capacity(code.len() + code.len() / 4);
    let chars = code.chars().filter(|c| *c != '-' && !c.is_whitespace());
    for (i, c) in chars.enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        out.push(c);
    }
    out
}

/// Formats grams as kilograms with 2 decimals, rounding half away from zero
/// (`12_350` → "12.35 kg", `12_345` → "12.35 kg", `5` → "0.01 kg").
pub fn format_weight(grams: i64) -> String {
    let sign = if grams < 0 { "-" } else { "" };
    let centi_kg = (grams.unsigned_abs() + 5) / 10;
    format!("{sign}{}.{:02} kg", centi_kg / 100, centi_kg % 100)
}

/// Formats a date as YYYY-MM-DD.
fn format_date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Inline CSS for the label sheet. A4 minus 8 mm margins leaves 194 × 281 mm;
/// the grid takes 3 × 60 mm + 2 × 5 mm gaps = 190 mm by 8 × 35 mm = 280 mm.
const SHEET_CSS: &str = r#"
@page { size: A4; margin: 8mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body {
  margin: 0;
  color: #000;
  background: #fff;
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif;
}
.screen-title { margin: 8mm 8mm 4mm; font-size: 14pt; font-weight: 600; }
.sheet {
  display: grid;
  grid-template-columns: repeat(3, 60mm);
  grid-auto-rows: 35mm;
  column-gap: 5mm;
  row-gap: 0;
  justify-content: center;
  break-after: page;
  page-break-after: always;
}
.sheet:last-of-type { break-after: auto; page-break-after: auto; }
.label {
  width: 60mm;
  height: 35mm;
  padding: 1.5mm 2mm;
  border: 0.2mm dashed #bbb;
  overflow: hidden;
  break-inside: avoid;
  page-break-inside: avoid;
  display: flex;
  flex-direction: column;
}
.code {
  font-family: "DejaVu Sans Mono", "Noto Sans Mono", "Consolas", "Courier New", monospace;
  font-size: 13pt;
  font-weight: 700;
  line-height: 1;
  letter-spacing: 0.3mm;
  white-space: nowrap;
  overflow: hidden;
  height: 5.5mm;
}
.body { display: flex; gap: 1.5mm; flex: 1; min-height: 0; }
.qr { flex: none; width: 25mm; height: 25mm; }
.qr svg { display: block; width: 25mm; height: 25mm; }
.info {
  flex: 1;
  min-width: 0;
  display: flex;
  flex-direction: column;
  font-size: 6.5pt;
  line-height: 1.25;
}
.info > div { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.info .product { font-size: 7.5pt; font-weight: 700; white-space: normal; max-height: 2.6em; }
.info .weight { font-size: 7.5pt; }
.info .house { white-space: normal; max-height: 2.6em; }
.halal {
  margin-top: auto;
  align-self: flex-start;
  border: 0.4mm solid #007a3d;
  color: #007a3d;
  border-radius: 0.8mm;
  padding: 0.2mm 1mm;
  font-size: 7.5pt;
  font-weight: 700;
  line-height: 1.2;
}
@media screen {
  body { background: #eee; }
  .sheet { width: 210mm; min-height: 297mm; padding: 8mm; margin: 0 auto 8mm; background: #fff; align-content: start; }
}
@media print {
  .screen-title { display: none; }
}
"#;

/// Appends one label's markup to `out`.
fn write_label(out: &mut String, label: &LabelData) -> Result<(), LabelError> {
    let qr = qr_svg(&label.url)?;
    let halal = if label.halal {
        r#"<div class="halal">清真 <span lang="en">HALAL</span></div>"#
    } else {
        ""
    };
    write!(
        out,
        concat!(
            r#"<div class="label">"#,
            r#"<div class="code">{code}</div>"#,
            r#"<div class="body">"#,
            r#"<div class="qr" role="img" aria-label="溯源二维码 QR">{qr}</div>"#,
            r#"<div class="info">"#,
            r#"<div class="product">{product}</div>"#,
            r#"<div class="weight">净重 <span lang="en">Net</span> {weight}</div>"#,
            r#"<div>屠宰日期 {slaughtered}</div>"#,
            r#"<div>保质期至 {use_by}</div>"#,
            r#"<div class="house">{house}</div>"#,
            "{halal}",
            "</div></div></div>\n"
        ),
        code = escape_html(&group_trace_code(&label.trace_code)),
        qr = qr,
        product = escape_html(&label.product),
        weight = escape_html(&format_weight(label.weight_g)),
        slaughtered = escape_html(&format_date(label.slaughter_date)),
        use_by = escape_html(&format_date(label.use_by)),
        house = escape_html(&label.slaughterhouse),
        halal = halal,
    )
    .map_err(|e| LabelError(format!("cannot write label HTML: {e}")))
}

/// Renders a complete printable HTML5 page (zh-CN, UTF-8, inline CSS, no scripts and
/// no external resources) with `labels` laid out on A4 sheets of 3 × 8 labels of
/// 60 × 35 mm, each with its QR code as inline SVG. `title` becomes the page
/// `<title>` and a heading that is hidden when printing. All text is HTML-escaped.
///
/// # Errors
/// When a label's `url` is too long for a QR code.
pub fn label_sheet_html(title: &str, labels: &[LabelData]) -> Result<String, LabelError> {
    let title = escape_html(title);
    // Each label is roughly 4–6 KB, mostly its SVG path.
    let mut out = String::with_capacity(4096 + labels.len() * 6144);
    write!(
        out,
        concat!(
            "<!DOCTYPE html>\n",
            "<html lang=\"zh-CN\">\n<head>\n",
            "<meta charset=\"utf-8\">\n",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
            "<title>{title}</title>\n",
            "<style>{css}</style>\n",
            "</head>\n<body>\n",
            "<h1 class=\"screen-title\">{title}</h1>\n",
        ),
        title = title,
        css = SHEET_CSS,
    )
    .map_err(|e| LabelError(format!("cannot write page HTML: {e}")))?;
    for sheet in labels.chunks(LABELS_PER_SHEET) {
        out.push_str("<section class=\"sheet\">\n");
        for label in sheet {
            write_label(&mut out, label)?;
        }
        out.push_str("</section>\n");
    }
    out.push_str("</body>\n</html>\n");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn sample(code: &str, product: &str, weight_g: i64, halal: bool) -> LabelData {
        LabelData {
            url: format!("https://niuyang.example/t/{code}"),
            trace_code: code.to_owned(),
            product: product.to_owned(),
            weight_g,
            slaughter_date: date(2026, 5, 1),
            use_by: date(2026, 5, 8),
            halal,
            slaughterhouse: "广州市某某牛羊定点屠宰场".to_owned(),
        }
    }

    #[test]
    fn png_decodes_back_to_the_url() {
        let url = "https://niuyang.example/t/ABCD2345EFGH";
        let png = qr_png(url).unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        let img = image::load_from_memory(&png).unwrap().to_luma8();
        // 8 px per module plus a 4-module quiet zone on each side.
        assert_eq!(img.width() % MODULE_PX, 0);
        assert_eq!(img.width(), img.height());
        let mut prepared = rqrr::PreparedImage::prepare(img);
        let grids = prepared.detect_grids();
        assert_eq!(grids.len(), 1);
        let (meta, content) = grids[0].decode().unwrap();
        assert_eq!(content, url);
        // rqrr reports the raw format bits: 0 is level M.
        assert_eq!(meta.ecc_level, 0);
    }

    #[test]
    fn svg_is_a_standalone_document() {
        let svg = qr_svg("https://niuyang.example/t/ABCD2345EFGH").unwrap();
        let trimmed = svg.trim_start();
        let body = match trimmed.strip_prefix("<?xml") {
            Some(rest) => &rest[rest.find("?>").unwrap() + 2..],
            None => trimmed,
        };
        assert!(body.trim_start().starts_with("<svg"), "{svg}");
        assert!(svg.contains("xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.contains("viewBox="));
        assert!(svg.trim_end().ends_with("</svg>"));
    }

    #[test]
    fn too_much_data_is_an_error() {
        let data = "x".repeat(5000);
        assert!(qr_png(&data).is_err());
        assert!(qr_svg(&data).is_err());
        let mut label = sample("ABCDEFGHJKLM", "牛腩", 1000, false);
        label.url = data;
        let err = label_sheet_html("t", &[label]).unwrap_err();
        assert!(err.to_string().contains("QR"), "{err}");
    }

    #[test]
    fn sheet_has_both_labels_escaped() {
        let labels = [
            sample("ABCDEFGHJKLM", "牛 · 分割肉 · 牛腩", 12_350, true),
            sample(
                "NPQR-STUV-WXYZ",
                "羊 <script>alert('x')</script> & 羊排",
                980,
                false,
            ),
        ];
        let html = label_sheet_html("批次 2026-05 标签 <A&B>", &labels).unwrap();

        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains(r#"<html lang="zh-CN">"#));
        assert!(html.contains(r#"<meta charset="utf-8">"#));
        assert!(html.contains("<title>批次 2026-05 标签 &lt;A&amp;B&gt;</title>"));
        assert!(html.contains("@page { size: A4; margin: 8mm; }"));
        assert!(html.contains("break-inside: avoid"));
        assert!(html.trim_end().ends_with("</html>"));

        assert!(html.contains("ABCD-EFGH-JKLM"));
        assert!(html.contains("NPQR-STUV-WXYZ"));
        assert!(html.contains("牛 · 分割肉 · 牛腩"));
        assert!(html.contains("12.35 kg"));
        assert!(html.contains("0.98 kg"));
        assert!(html.contains("屠宰日期 2026-05-01"));
        assert!(html.contains("保质期至 2026-05-08"));
        assert!(html.contains("广州市某某牛羊定点屠宰场"));

        // The halal mark appears once: for the first label only.
        assert_eq!(html.matches("清真").count(), 1);
        assert_eq!(html.matches("HALAL").count(), 1);
        let only_plain = label_sheet_html("t", &labels[1..]).unwrap();
        assert_eq!(only_plain.matches("清真").count(), 0);

        assert!(html.contains("羊 &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; 羊排"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("</script"));

        assert_eq!(html.matches("<svg").count(), 2);
        assert_eq!(html.matches("</svg>").count(), 2);
        assert!(!html.contains("<?xml"));
        // Nothing is loaded from outside the page.
        assert!(!html.contains("src="));
        assert!(!html.contains("<link"));
        assert!(!html.contains("url("));
    }

    #[test]
    fn labels_are_split_into_sheets_of_24() {
        let labels: Vec<LabelData> = (0..25)
            .map(|i| sample(&format!("ABCD{i:08}"), "牛腩", 1000, false))
            .collect();
        let html = label_sheet_html("t", &labels).unwrap();
        assert_eq!(html.matches("<section class=\"sheet\">").count(), 2);
        assert_eq!(html.matches("<div class=\"label\">").count(), 25);
        let empty = label_sheet_html("t", &[]).unwrap();
        assert_eq!(empty.matches("<section").count(), 0);
    }

    #[test]
    fn helpers() {
        assert_eq!(group_trace_code("ABCDEFGHJKLM"), "ABCD-EFGH-JKLM");
        assert_eq!(group_trace_code("abcd-efgh jklm"), "abcd-efgh-jklm");
        assert_eq!(group_trace_code("ABCDE"), "ABCD-E");
        assert_eq!(group_trace_code(""), "");
        assert_eq!(format_weight(12_350), "12.35 kg");
        assert_eq!(format_weight(12_345), "12.35 kg");
        assert_eq!(format_weight(12_344), "12.34 kg");
        assert_eq!(format_weight(0), "0.00 kg");
        assert_eq!(format_weight(5), "0.01 kg");
        assert_eq!(format_weight(-1_500), "-1.50 kg");
        assert_eq!(format_weight(i64::MIN), "-9223372036854775.81 kg");
        assert_eq!(
            escape_html(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(format_date(date(2026, 1, 9)), "2026-01-09");
    }
}
