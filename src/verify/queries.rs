//! Working out a verification from the records.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::model::*;
use crate::batches::model::{
    InspectionCertificate, ProductCertificate, ProductCertificateType, SlaughterBatch,
};
use crate::db::DbConnection;
use crate::error::AppResult;
use crate::lots::model::{Lot, LotStatus};
use crate::lots::trace_code;
use crate::schema::{
    animal_certificates, batch_intakes, buyer_profiles, inspection_certificates, intakes, lots,
    organisations, product_certificates, shipment_lines, shipments, slaughter_batches, users,
};
use crate::slaughterhouses::model::Species;

/// Verify a code as typed or scanned (the bare code, spaces and hyphens allowed).
pub fn verify(conn: &mut DbConnection, input: &str, today: NaiveDate) -> AppResult<Verification> {
    let code = match trace_code::parse(input) {
        Ok(c) => c,
        Err(_) => {
            return Ok(Verification::bare(
                trace_code::normalise(input),
                VerifyStatus::Mistyped,
            ))
        }
    };
    let lot: Option<Lot> = lots::table
        .filter(lots::trace_code.eq(&code))
        .select(Lot::as_select())
        .first(conn)
        .optional()?;
    let Some(lot) = lot else {
        return Ok(Verification::bare(code, VerifyStatus::Unknown));
    };
    let status = match crate::stock::queries::status(conn, &lot)? {
        LotStatus::Disposed => VerifyStatus::Disposed,
        LotStatus::Recalled => VerifyStatus::Recalled,
        LotStatus::Active if today > lot.use_by => VerifyStatus::Expired,
        LotStatus::Active => VerifyStatus::Valid,
    };
    let facts = facts(conn, &lot)?;
    let signals = super::signals::recorded_signals(conn, &lot.id)?;
    let (warning, warning_en) = if signals.is_empty() {
        (None, None)
    } else {
        (
            Some(
                "警告：该追溯码出现疑似假冒或重复使用标签的情况，监管部门已介入。请向商家索取检疫、检验证明，或拨打 12345 举报。"
                    .to_string(),
            ),
            Some(
                "Warning: this code shows signs of a copied or reused label and the authorities are looking into it. Ask the seller for the certificates, or call 12345."
                    .to_string(),
            ),
        )
    };
    Ok(Verification {
        lot: Some(facts),
        lot_id: Some(lot.id.clone()),
        copied_label_warning: warning,
        copied_label_warning_en: warning_en,
        ..Verification::bare(code, status)
    })
}

fn district_zh(d: Option<crate::organisations::model::District>) -> Option<String> {
    d.map(|d| d.zh().to_string())
}

fn facts(conn: &mut DbConnection, lot: &Lot) -> AppResult<LotFacts> {
    let batch: SlaughterBatch = slaughter_batches::table
        .find(&lot.batch_id)
        .select(SlaughterBatch::as_select())
        .first(conn)?;
    let (org, rec) = crate::slaughterhouses::queries::find(conn, &lot.slaughterhouse_id)?
        .ok_or_else(|| crate::error::AppError::not_found("屠宰厂", "slaughterhouse"))?;
    let today = crate::time::today_china();
    let agreements = crate::slaughterhouses::queries::agreements(conn, &org.id)?;
    let house = PublicHouse {
        name: org.name.clone(),
        district: district_zh(org.district),
        designation_no: rec.designation_no.clone(),
        status: rec.status.zh().to_string(),
        in_network_today: crate::slaughterhouses::domain::in_network(&rec, &agreements, today)
            .is_ok(),
    };
    let mut origins: Vec<Origin> = batch_intakes::table
        .inner_join(intakes::table.inner_join(animal_certificates::table))
        .filter(batch_intakes::batch_id.eq(&batch.id))
        .select((
            animal_certificates::origin_place,
            animal_certificates::cert_type,
            animal_certificates::number,
        ))
        .load::<(String, String, String)>(conn)?
        .into_iter()
        .map(|(place, t, number)| Origin {
            place,
            certificate_type: if t == "animal_a" {
                "动物A"
            } else {
                "动物B"
            }
            .to_string(),
            certificate_no: number,
        })
        .collect();
    origins.sort();
    origins.dedup();
    let pc: ProductCertificate = product_certificates::table
        .find(&lot.product_certificate_id)
        .select(ProductCertificate::as_select())
        .first(conn)?;
    let agency: Option<String> = users::table
        .inner_join(organisations::table)
        .filter(users::id.eq(&pc.vet_id))
        .select(organisations::name)
        .first(conn)
        .optional()?;
    let ic: InspectionCertificate = inspection_certificates::table
        .find(&lot.inspection_certificate_id)
        .select(InspectionCertificate::as_select())
        .first(conn)?;
    Ok(LotFacts {
        product: format!("{} · {}", lot.product_kind.zh(), lot.product_name),
        weight_g: crate::lots::queries::effective_weight(conn, &lot.id)?,
        halal: lot.halal,
        use_by: lot.use_by,
        slaughter_date: batch.slaughter_date,
        species: match batch.species {
            Species::Cattle => "牛",
            Species::Sheep => "羊",
        }
        .to_string(),
        origins,
        product_certificate: PublicCertificate {
            number: pc.number,
            kind: Some(
                match pc.cert_type {
                    ProductCertificateType::ProductA => "产品A",
                    ProductCertificateType::ProductB => "产品B",
                }
                .to_string(),
            ),
            date: pc.valid_until,
            issuer: agency.unwrap_or_else(|| "动物卫生监督机构".to_string()),
        },
        inspection_certificate: PublicCertificate {
            number: ic.number,
            kind: None,
            date: crate::time::china_date(ic.inspected_at),
            issuer: org.name.clone(),
        },
        chain: chain(conn, lot, &house)?,
        gtin: lot.gtin.clone(),
        slaughterhouse: house,
    })
}

/// The holders from the slaughterhouse on: the buyers of every shipment of the lot and of the lots it was cut
/// from, in order, by kind and district.
fn chain(conn: &mut DbConnection, lot: &Lot, house: &PublicHouse) -> AppResult<Vec<Holder>> {
    let lineage = crate::lots::queries::lineage(conn, lot)?;
    let rows: Vec<(String, Option<crate::organisations::model::District>)> = shipments::table
        .inner_join(shipment_lines::table)
        .inner_join(buyer_profiles::table.on(buyer_profiles::org_id.eq(shipments::buyer_id)))
        .inner_join(organisations::table.on(organisations::id.eq(shipments::buyer_id)))
        .filter(shipment_lines::lot_id.eq_any(&lineage))
        .order(shipments::recorded_at.asc())
        .select((buyer_profiles::buyer_kind, organisations::district))
        .load(conn)?;
    let mut out = vec![Holder {
        kind: "定点屠宰厂".to_string(),
        district: house.district.clone(),
    }];
    for (kind, district) in rows {
        let kind = kind
            .parse::<crate::buyers::model::BuyerKind>()
            .map(|k| k.zh().to_string())
            .unwrap_or(kind);
        out.push(Holder {
            kind,
            district: district_zh(district),
        });
    }
    Ok(out)
}
