//! `niuyang demo`: a realistic dataset for trying the service: the administrations, the animal health agency,
//! the 12345 centre, designated slaughterhouses in real Guangzhou districts (with agreements, fee schedules,
//! a suspension, credit files), buyer businesses, and an account for every role. Later modules add their
//! records here. Run it on a fresh database; it refuses to load twice.

use std::fmt::Write as _;

use chrono::{Days, NaiveDate};
use diesel::prelude::*;
use serde::Serialize;

use crate::certificates::model::{AnimalCertificate, AnimalCertificateType};
use crate::credit::model::CreditEventKind;
use crate::credit::queries::NewEvent;
use crate::db::{Db, DbConnection};
use crate::error::AppResult;
use crate::organisations::model::{District, OrgKind, Organisation};
use crate::policy::Role;
use crate::slaughterhouses::domain::StatusAction;
use crate::slaughterhouses::model::{FeeUnit, LicensedSpecies, Species};
use crate::slaughterhouses::queries::{self as registry, NewFeeItem, NewSlaughterhouse};
use crate::slaughterhouses::uscc;
use crate::users::queries::{self as users, NewUser};

/// One account the demo made.
#[derive(Debug, Serialize)]
pub struct DemoAccount {
    /// Login name.
    pub username: String,
    /// Password (demo accounts need no change at first login).
    pub password: String,
    /// Role.
    pub role: Role,
    /// Organisation id.
    pub org_id: String,
    /// Organisation name.
    pub org_name: String,
}

/// One organisation the demo made.
#[derive(Debug, Serialize)]
pub struct DemoOrganisation {
    /// Id.
    pub id: String,
    /// Kind.
    pub kind: OrgKind,
    /// Name.
    pub name: String,
    /// District.
    pub district: Option<District>,
}

/// One lot the demo made.
#[derive(Debug, Serialize)]
pub struct DemoLot {
    /// Id.
    pub id: String,
    /// Trace code.
    pub trace_code: String,
}

/// What the demo made.
#[derive(Debug, Serialize)]
pub struct DemoOutput {
    /// Accounts, one or more for every role.
    pub accounts: Vec<DemoAccount>,
    /// Organisations.
    pub organisations: Vec<DemoOrganisation>,
    /// Lots with their trace codes.
    pub lots: Vec<DemoLot>,
    /// Complaints with their ticket numbers and access codes.
    pub complaints: Vec<crate::complaints::demo::DemoComplaint>,
}

impl DemoOutput {
    /// A table for people.
    pub fn as_table(&self) -> String {
        let mut s = String::from("演示账户 / demo accounts\n");
        for a in &self.accounts {
            let _ = writeln!(
                s,
                "{:<24} {:<22} {:<20} {}",
                a.username,
                a.password,
                a.role.to_string(),
                a.org_name
            );
        }
        let _ = writeln!(s, "\n演示举报 / demo complaints (/complaints/status)");
        for c in &self.complaints {
            let _ = writeln!(s, "{:<20} {:<12} {}", c.ticket_no, c.access_code, c.status);
        }
        s
    }
}

/// A valid unified social credit code for a Guangzhou enterprise: `91` + division + `MA` + serial + check.
pub fn demo_uscc(division: &str, serial: &str) -> String {
    let first17 = format!("91{division}MA{serial}");
    let check = uscc::check_character(&first17).unwrap_or('0');
    format!("{first17}{check}")
}

struct Loader<'a> {
    rules: &'a crate::config::RuleSettings,
    conn: &'a mut DbConnection,
    out: DemoOutput,
}

impl Loader<'_> {
    fn org(
        &mut self,
        kind: OrgKind,
        name: &str,
        district: Option<District>,
    ) -> AppResult<Organisation> {
        let org = crate::organisations::queries::create(self.conn, None, kind, name, district)?;
        self.remember(&org);
        Ok(org)
    }

    fn remember(&mut self, org: &Organisation) {
        self.out.organisations.push(DemoOrganisation {
            id: org.id.clone(),
            kind: org.kind,
            name: org.name.clone(),
            district: org.district,
        });
    }

    fn account(&mut self, username: &str, role: Role, org: &Organisation) -> AppResult<String> {
        let password = crate::auth::password::generate();
        // Hashed inside the demo's one transaction: a one-shot load, not the service's request path.
        let hash = crate::auth::password::hash(&password)?;
        let user = users::create(
            self.conn,
            None,
            NewUser {
                username,
                password_hash: &hash,
                role,
                org_id: &org.id,
                must_change_password: false,
            },
        )?;
        self.out.accounts.push(DemoAccount {
            username: user.username,
            password,
            role,
            org_id: org.id.clone(),
            org_name: org.name.clone(),
        });
        Ok(user.id)
    }
}

/// Load the dataset (one transaction) and return what was made.
pub fn load(db: &Db, rules: &crate::config::RuleSettings) -> AppResult<DemoOutput> {
    db.write_now(|conn| {
        if users::find_by_username(conn, "sr.city")?.is_some() {
            return Err(crate::refusal::Code::DemoLoaded.into());
        }
        let mut l = Loader {
            rules,
            conn,
            out: DemoOutput {
                accounts: Vec::new(),
                organisations: Vec::new(),
                lots: Vec::new(),
                complaints: Vec::new(),
            },
        };
        fill(&mut l)?;
        Ok(l.out)
    })
}

fn day(offset_days: i64) -> NaiveDate {
    let today = crate::time::today_china();
    if offset_days >= 0 {
        today.checked_add_days(Days::new(offset_days as u64))
    } else {
        today.checked_sub_days(Days::new(offset_days.unsigned_abs()))
    }
    .unwrap_or(today)
}

fn fill(l: &mut Loader<'_>) -> AppResult<()> {
    use District::*;
    use OrgKind::*;

    let platform = l.org(PlatformOperator, "牛羊追溯平台运营方（演示）", None)?;
    l.account("demo.admin", Role::Admin, &platform)?;

    let slaughter_city = l.org(SlaughterAdministration, "广州市农业农村局", None)?;
    let slaughter_baiyun = l.org(
        SlaughterAdministration,
        "广州市白云区农业农村局",
        Some(Baiyun),
    )?;
    let market_city = l.org(CirculationAdministration, "广州市商务局", None)?;
    let market_haizhu = l.org(
        CirculationAdministration,
        "广州市海珠区商务局",
        Some(Haizhu),
    )?;
    let agency = l.org(AnimalHealthAgency, "广州市动物卫生监督所", None)?;
    let hotline = l.org(HotlineCentre, "广州 12345 政府服务热线", None)?;

    let sr = l.account("sr.city", Role::SlaughterRegulator, &slaughter_city)?;
    l.account("sr.baiyun", Role::SlaughterRegulator, &slaughter_baiyun)?;
    let market_regulator = l.account("mr.city", Role::MarketRegulator, &market_city)?;
    l.account("mr.haizhu", Role::MarketRegulator, &market_haizhu)?;
    let inspector = l.account("inspector.city", Role::Inspector, &slaughter_city)?;
    l.account("inspector.haizhu", Role::Inspector, &market_haizhu)?;
    let vet = l.account("vet.chen", Role::OfficialVet, &agency)?;
    l.account("vet.li", Role::OfficialVet, &agency)?;
    let hotline_operator = l.account("hotline.01", Role::HotlineOperator, &hotline)?;

    struct House {
        name: &'static str,
        district: District,
        division: &'static str,
        serial: &'static str,
        no: &'static str,
        address: &'static str,
        species: LicensedSpecies,
        halal: bool,
        user: &'static str,
    }
    let houses = [
        House {
            name: "广州市穗北牛羊定点屠宰场",
            district: Baiyun,
            division: "0111",
            serial: "59B0L0",
            no: "穗牛羊定字（白云）001号",
            address: "广州市白云区太和镇穗北路 88 号",
            species: LicensedSpecies::Both,
            halal: false,
            user: "sh.suibei",
        },
        House {
            name: "广州禺南清真牛羊屠宰厂",
            district: Panyu,
            division: "0113",
            serial: "5CXYA0",
            no: "穗牛羊定字（番禺）002号",
            address: "广州市番禺区沙湾镇禺南大道 16 号",
            species: LicensedSpecies::Both,
            halal: true,
            user: "sh.yunan",
        },
        House {
            name: "广州市从化良口牛羊定点屠宰场",
            district: Conghua,
            division: "0117",
            serial: "5D3K7H",
            no: "穗牛羊定字（从化）003号",
            address: "广州市从化区良口镇良明路 6 号",
            species: LicensedSpecies::Cattle,
            halal: false,
            user: "sh.liangkou",
        },
        House {
            name: "广州市增城正果羊只屠宰场",
            district: Zengcheng,
            division: "0118",
            serial: "5E8N2P",
            no: "穗牛羊定字（增城）004号",
            address: "广州市增城区正果镇正果大道 201 号",
            species: LicensedSpecies::Sheep,
            halal: false,
            user: "sh.zhengguo",
        },
    ];
    let mut house_ids = Vec::new();
    let mut staff = Vec::new();
    for h in &houses {
        let (org, rec) = registry::designate(
            l.conn,
            Some(&sr),
            NewSlaughterhouse {
                name: h.name.to_string(),
                district: h.district,
                address: h.address.to_string(),
                uscc: demo_uscc(&format!("44{}", h.division), &format!("{}0", h.serial)),
                designation_no: h.no.to_string(),
                species: h.species,
                halal: h
                    .halal
                    .then(|| ("粤清真认字 2025-0116".to_string(), day(300))),
                licence_no: format!("SC-{}", h.division),
                licence_valid_from: day(-700),
                licence_valid_until: day(400),
                designated_on: day(-700),
            },
        )?;
        l.remember(&org);
        staff.push(l.account(h.user, Role::Slaughterhouse, &org)?);
        registry::add_agreement(
            l.conn,
            Some(&sr),
            &org.id,
            &format!("穗屠质安协〔{}〕{}号", day(-30).format("%Y"), h.division),
            day(-30),
            day(335),
        )?;
        let mut fees: Vec<(&str, FeeUnit, i64)> = Vec::new();
        if h.species != LicensedSpecies::Sheep {
            fees.push(("牛屠宰费", FeeUnit::PerHead, 12_000));
        }
        if h.species != LicensedSpecies::Cattle {
            fees.push(("羊屠宰费", FeeUnit::PerHead, 2_500));
        }
        fees.push(("冷藏费", FeeUnit::PerKg, 20));
        fees.push(("检验检测费", FeeUnit::PerBatch, 5_000));
        for (item, unit, cap) in fees {
            registry::add_fee_item(
                l.conn,
                Some(&sr),
                &org.id,
                NewFeeItem {
                    item: item.to_string(),
                    unit,
                    cap_fen: cap,
                    effective_from: day(-365),
                    effective_until: None,
                    approval_ref: Some("穗发改价格〔2024〕12号".to_string()),
                },
            )?;
        }
        let _ = rec;
        house_ids.push(org.id);
    }
    // The official vets are stationed at the first two slaughterhouses.
    users::assign_vet(l.conn, None, &vet, &house_ids[0])?;
    users::assign_vet(l.conn, None, &vet, &house_ids[1])?;
    // The sheep slaughterhouse in Zengcheng is suspended after an inspection.
    registry::change_status(
        l.conn,
        Some(&sr),
        &house_ids[3],
        StatusAction::Suspend,
        "飞行检查发现待宰圈消毒记录缺失，责令停业整改",
    )?;
    crate::credit::queries::add(
        l.conn,
        Some(&sr),
        NewEvent {
            org_id: &house_ids[1],
            occurred_on: day(-10),
            kind: CreditEventKind::Commendation,
            summary: "年度清真屠宰规范化管理先进单位",
            source: None,
        },
    )?;

    // A day's work at two slaughterhouses (story 1 of domain.md, and a halal sheep batch).
    let suibei_lots = chain(
        l,
        &Chain {
            house: &house_ids[0],
            staff: &staff[0],
            vet: &vet,
            prefix: "SB",
            species: Species::Cattle,
            cert_type: AnimalCertificateType::AnimalB,
            origin: "广东省清远市清新区",
            county: "441803",
            heads: 20,
            failed: 1,
            halal: false,
            carcass_g: 260_000,
        },
    )?;
    chain(
        l,
        &Chain {
            house: &house_ids[1],
            staff: &staff[1],
            vet: &vet,
            prefix: "YN",
            species: Species::Sheep,
            cert_type: AnimalCertificateType::AnimalA,
            origin: "内蒙古自治区锡林郭勒盟",
            county: "152502",
            heads: 30,
            failed: 0,
            halal: true,
            carcass_g: 18_000,
        },
    )?;

    // Buyer businesses of every kind, registered by the circulation administration.
    use crate::buyers::model::BuyerKind as K;
    let buyers = [
        (
            "江南果菜批发市场 · 穗丰牛羊肉批发行",
            Baiyun,
            "vendor.suifeng",
            K::WholesaleTrader,
            Some(("江南果菜批发市场", "A-108")),
        ),
        (
            "华润万家（天河城店）",
            Tianhe,
            "vendor.crv",
            K::Supermarket,
            None,
        ),
        (
            "海珠区江南中街市场 12 号档",
            Haizhu,
            "vendor.jiangnan12",
            K::MeatMarketStall,
            Some(("江南中街市场", "12")),
        ),
        (
            "番禺区市桥农贸市场 8 号档",
            Panyu,
            "vendor.shiqiao8",
            K::FarmersMarketStall,
            Some(("市桥农贸市场", "8")),
        ),
        (
            "荔湾区西关牛杂专卖店",
            Liwan,
            "vendor.xiguan",
            K::MeatShop,
            None,
        ),
        (
            "越秀区清真兰州牛肉面馆",
            Yuexiu,
            "vendor.lanzhou",
            K::Restaurant,
            None,
        ),
        (
            "黄埔区某科技园职工食堂",
            Huangpu,
            "vendor.canteen",
            K::Canteen,
            None,
        ),
        (
            "南沙区穗香肉制品加工厂",
            Nansha,
            "vendor.suixiang",
            K::Processor,
            None,
        ),
    ];
    let mut buyer_ids = std::collections::HashMap::new();
    for (i, (name, district, user, kind, market)) in buyers.into_iter().enumerate() {
        let org = l.org(Buyer, name, Some(district))?;
        let profile = crate::buyers::model::BuyerProfile {
            org_id: org.id.clone(),
            buyer_kind: kind,
            licence_no: demo_uscc("440100", &format!("6B{i:05}")),
            address: format!("广州市{}", district.zh()),
            market_name: market.map(|m| m.0.to_string()),
            stall_no: market.map(|m| m.1.to_string()),
            registered_by: Some(market_regulator.clone()),
            registered_at: crate::time::now(),
        };
        let profile: crate::buyers::model::BuyerProfile =
            diesel::insert_into(crate::schema::buyer_profiles::table)
                .values(&profile)
                .returning(crate::schema::buyer_profiles::all_columns)
                .get_result(l.conn)?;
        crate::audit::record(l.conn, Some(&market_regulator), "register", &profile)?;
        let user_id = l.account(user, Role::Vendor, &org)?;
        buyer_ids.insert(user, (org.id, user_id));
    }
    circulation(l, &suibei_lots, &staff[0], &buyer_ids, &inspector)?;
    crate::violations::demo::load(l.conn, &inspector)?;
    if let Some((shiqiao, _)) = buyer_ids.get("vendor.shiqiao8") {
        l.out.complaints = crate::complaints::demo::load(
            l.conn,
            l.rules,
            &hotline_operator,
            &market_regulator,
            shiqiao,
        )?;
    }
    Ok(())
}

/// One day's slaughter at a slaughterhouse.
struct Chain<'a> {
    house: &'a str,
    staff: &'a str,
    vet: &'a str,
    prefix: &'a str,
    species: Species,
    cert_type: AnimalCertificateType,
    origin: &'a str,
    county: &'a str,
    heads: i32,
    failed: i32,
    halal: bool,
    carcass_g: i64,
}

/// Certificate, intake and the vet's check, batch, quarantine with the product certificate, disposal of the
/// failed heads, inspection, lots, and the fees charged (one of them not on the schedule).
fn chain(l: &mut Loader<'_>, c: &Chain<'_>) -> AppResult<Vec<String>> {
    use crate::batches::model::{ProductCertificateType, QuantityUnit};
    use crate::batches::queries as batches;
    use crate::disposals::model::{Disposal, DisposalMethod, DisposalReason, DisposalTarget};
    use crate::lots::model::{ProductKind, Storage};
    use crate::lots::queries::NewLot;

    let now = crate::time::now();
    let today = crate::time::china_date(now);
    // Issued and received now, so that a 动物B certificate (valid on its day of issue) is in date.
    let issued_at = now;
    let digit = if c.species == Species::Cattle {
        '2'
    } else {
        '3'
    };
    let tags: Vec<String> = (1..=c.heads)
        .map(|i| format!("{digit}{}{:08}", c.county, 31_000 + i))
        .collect();
    let stamp = today.format("%Y%m%d");
    let cert = crate::certificates::queries::create(
        l.conn,
        Some(c.staff),
        AnimalCertificate {
            id: uuid::Uuid::new_v4().to_string(),
            number: format!("44{}{}{:04}", c.county, stamp, 17),
            cert_type: c.cert_type,
            species: c.species,
            head_count: c.heads,
            owner_name: "陈某某".to_string(),
            origin_place: c.origin.to_string(),
            destination_id: c.house.to_string(),
            carrier: "粤运畜禽运输有限公司".to_string(),
            vehicle_plate: "粤R·3C417".to_string(),
            issued_at,
            valid_until: crate::certificates::domain::valid_until(
                c.cert_type,
                crate::time::china_date(issued_at),
                l.rules,
            ),
            recorded_by: Some(c.staff.to_string()),
            recorded_at: now,
        },
        tags.clone(),
    )?;
    let intake = crate::intake::queries::create(
        l.conn,
        Some(c.staff),
        c.house,
        &cert.certificate.number,
        &crate::intake::domain::Arrival {
            species: c.species,
            alive: c.heads,
            dead: 0,
            ear_tags: &tags,
        },
        "粤R·3C417",
        now,
    )?;
    crate::intake::queries::add_check(
        l.conn,
        c.vet,
        &intake.intake.id,
        true,
        Some("证物相符".into()),
    )?;
    let batch = batches::create(
        l.conn,
        Some(c.staff),
        c.house,
        batches::NewBatch {
            batch_no: format!("{}-{stamp}-01", c.prefix),
            species: c.species,
            halal: c.halal,
            slaughter_date: today,
            draws: vec![(intake.intake.id.clone(), c.heads)],
        },
    )?;
    let passed = c.heads - c.failed;
    let product = if c.species == Species::Cattle {
        "鲜牛肉"
    } else {
        "鲜羊肉"
    };
    batches::record_quarantine(
        l.conn,
        c.vet,
        &batch.batch,
        passed,
        c.failed,
        3,
        0,
        None,
        Some(batches::NewProductCertificate {
            number: format!("4401{stamp}{}{:03}", if c.halal { "2" } else { "1" }, 88),
            cert_type: ProductCertificateType::ProductB,
            product: product.to_string(),
            quantity: c.carcass_g * i64::from(passed) / 1000,
            unit: QuantityUnit::Kg,
        }),
        l.rules,
    )?;
    if c.failed > 0 {
        crate::disposals::queries::create(
            l.conn,
            c.staff,
            Disposal {
                id: uuid::Uuid::new_v4().to_string(),
                org_id: c.house.to_string(),
                target: DisposalTarget::FailedHeads,
                batch_id: Some(batch.batch.id.clone()),
                lot_id: None,
                reason: DisposalReason::QuarantineFail,
                method: DisposalMethod::Rendering,
                weight_g: c.carcass_g * i64::from(c.failed),
                heads: c.failed,
                handler: "广州市无害化处理中心".to_string(),
                supervising_vet_id: Some(c.vet.to_string()),
                outsourced: true,
                handover_slip: Some(format!("WHH-{stamp}-0031")),
                disposed_at: now,
                recorded_by: Some(c.staff.to_string()),
                recorded_at: now,
            },
        )?;
    }
    let inspected = c.carcass_g * i64::from(passed);
    batches::record_inspection(
        l.conn,
        c.staff,
        &batch.batch,
        format!("GZJY{stamp}{}", c.prefix),
        inspected,
        "李检验".to_string(),
        true,
        now,
    )?;
    let mut new = Vec::new();
    let pieces = passed.min(6);
    for i in 0..pieces {
        let (kind, name, storage) = match (c.species, i % 3) {
            (Species::Cattle, 0) => (ProductKind::HalfCarcass, "牛二分体", Storage::Chilled),
            (Species::Cattle, 1) => (ProductKind::Cuts, "牛腩", Storage::Chilled),
            (Species::Cattle, _) => (ProductKind::Offal, "牛杂", Storage::Frozen),
            (Species::Sheep, 0) => (ProductKind::Carcass, "羊胴体", Storage::Chilled),
            (Species::Sheep, 1) => (ProductKind::Cuts, "羊排", Storage::Chilled),
            (Species::Sheep, _) => (ProductKind::HeadHooves, "羊头蹄", Storage::Frozen),
        };
        new.push(NewLot {
            product_kind: kind,
            product_name: name.to_string(),
            weight_g: inspected / i64::from(pieces) / 2,
            storage,
            gtin: None,
        });
    }
    let mut made = Vec::new();
    for lot in crate::lots::queries::create_lots(l.conn, c.staff, &batch.batch, new, l.rules)? {
        made.push(lot.id.clone());
        l.out.lots.push(DemoLot {
            id: lot.id,
            trace_code: lot.trace_code,
        });
    }
    let per_head = if c.species == Species::Cattle {
        12_000
    } else {
        2_500
    };
    let item = if c.species == Species::Cattle {
        "牛屠宰费"
    } else {
        "羊屠宰费"
    };
    batches::charge_fee(
        l.conn,
        c.staff,
        &batch.batch,
        item.into(),
        i64::from(c.heads),
        per_head * i64::from(c.heads),
        today,
    )?;
    batches::charge_fee(
        l.conn,
        c.staff,
        &batch.batch,
        "检验检测费".into(),
        1,
        5_000,
        today,
    )?;
    if c.species == Species::Cattle {
        // Not on the approved schedule: recorded as charged, and a violation of art. 四.
        batches::charge_fee(
            l.conn,
            c.staff,
            &batch.batch,
            "车辆消毒费".into(),
            1,
            3_000,
            today,
        )?;
    }
    Ok(made)
}

/// Two hops of circulation from 穗北's lots: to a wholesale trader, on to a market stall, and to a
/// restaurant (with its document check); every receipt recorded in the buyer's ledger; one lot recalled.
fn circulation(
    l: &mut Loader<'_>,
    lots: &[String],
    house_staff: &str,
    buyers: &std::collections::HashMap<&str, (String, String)>,
    inspector: &str,
) -> AppResult<()> {
    use crate::ledger::queries::{confirm, Confirmation};
    use crate::shipments::model::ShipmentLine;
    let (Some(trader), Some(stall), Some(restaurant)) = (
        buyers.get("vendor.suifeng"),
        buyers.get("vendor.jiangnan12"),
        buyers.get("vendor.lanzhou"),
    ) else {
        return Ok(());
    };
    if lots.len() < 6 {
        return Ok(());
    }
    let today = crate::time::today_china();
    let stamp = today.format("%Y%m%d");
    let house = crate::lots::queries::find(l.conn, &lots[0])?.slaughterhouse_id;
    let w0 = crate::lots::queries::effective_weight(l.conn, &lots[0])?;
    let w1 = crate::lots::queries::effective_weight(l.conn, &lots[1])?;
    let w2 = crate::lots::queries::effective_weight(l.conn, &lots[2])?;
    let line = |lot: &str, weight_g: i64, price: i64| ShipmentLine {
        lot_id: lot.to_string(),
        weight_g,
        unit_price_fen: price,
    };
    crate::shipments::queries::create(
        l.conn,
        house_staff,
        &house,
        &trader.0,
        today,
        &format!("SB-JY-{stamp}-001"),
        vec![line(&lots[0], w0, 7_600), line(&lots[1], w1, 9_800)],
    )?;
    crate::shipments::queries::create(
        l.conn,
        house_staff,
        &house,
        &restaurant.0,
        today,
        &format!("SB-JY-{stamp}-002"),
        vec![line(&lots[2], w2 / 2, 6_000)],
    )?;
    let rules = l.rules;
    let record = |conn: &mut DbConnection,
                  buyer: &(String, String),
                  lot: &str,
                  weight_g: i64,
                  check: bool|
     -> AppResult<()> {
        let code = crate::lots::queries::find(conn, lot)?.trace_code;
        confirm(
            conn,
            &buyer.1,
            &buyer.0,
            Confirmation {
                scanned: rules.verification_url(&code),
                weight_g,
                receipt_no: None,
                document_check: check,
                document_note: check.then(|| "已查验检疫证明、检验合格证和销售凭据".to_string()),
                idempotency_key: None,
            },
        )?;
        Ok(())
    };
    record(l.conn, trader, &lots[0], w0, false)?;
    record(l.conn, trader, &lots[1], w1, false)?;
    record(l.conn, restaurant, &lots[2], w2 / 2, true)?;
    // The trader sells half of the brisket on to a market stall, which records it.
    crate::shipments::queries::create(
        l.conn,
        &trader.1,
        &trader.0,
        &stall.0,
        today,
        &format!("SF-{stamp}-0018"),
        vec![line(&lots[1], w1 / 2, 11_000)],
    )?;
    record(l.conn, stall, &lots[1], w1 / 2, false)?;
    // The trader cuts the rest of the half carcass it holds into two pieces with their own labels, and the
    // stall sells some brisket to a shopper on a receipt.
    let half = w0 / 2;
    let parent = crate::lots::queries::find(l.conn, &lots[0])?;
    for (i, weight_g) in [half, w0 - half - 10_000].into_iter().enumerate() {
        let child = crate::lots::model::Lot {
            id: uuid::Uuid::new_v4().to_string(),
            trace_code: crate::lots::queries::fresh_code(l.conn)?,
            parent_lot_id: Some(parent.id.clone()),
            product_name: if i == 0 { "牛前腿" } else { "牛后腿" }.to_string(),
            weight_g,
            gtin: None,
            recorded_by: Some(trader.1.clone()),
            created_at: crate::time::now(),
            ..parent.clone()
        };
        let child: crate::lots::model::Lot = diesel::insert_into(crate::schema::lots::table)
            .values(&child)
            .returning(crate::schema::lots::all_columns)
            .get_result(l.conn)?;
        diesel::insert_into(crate::schema::lot_splits::table)
            .values((
                crate::schema::lot_splits::child_lot_id.eq(&child.id),
                crate::schema::lot_splits::parent_lot_id.eq(&parent.id),
                crate::schema::lot_splits::holder_id.eq(&trader.0),
                crate::schema::lot_splits::recorded_by.eq(&trader.1),
                crate::schema::lot_splits::recorded_at.eq(crate::time::now()),
            ))
            .execute(l.conn)?;
        crate::audit::record(l.conn, Some(&trader.1), "split", &child)?;
        l.out.lots.push(DemoLot {
            id: child.id,
            trace_code: child.trace_code,
        });
    }
    let receipt_id = uuid::Uuid::new_v4().to_string();
    let now = crate::time::now();
    diesel::insert_into(crate::schema::receipts::table)
        .values((
            crate::schema::receipts::id.eq(&receipt_id),
            crate::schema::receipts::number.eq(format!("R{stamp}DEMO0001")),
            crate::schema::receipts::seller_id.eq(&stall.0),
            crate::schema::receipts::issued_at.eq(now),
            crate::schema::receipts::recorded_by.eq(&stall.1),
        ))
        .execute(l.conn)?;
    diesel::insert_into(crate::schema::receipt_lines::table)
        .values((
            crate::schema::receipt_lines::receipt_id.eq(&receipt_id),
            crate::schema::receipt_lines::lot_id.eq(&lots[1]),
            crate::schema::receipt_lines::weight_g.eq(1_500_i64),
            crate::schema::receipt_lines::price_fen.eq(10_500_i64),
        ))
        .execute(l.conn)?;
    let receipt = crate::receipts::model::Receipt {
        id: receipt_id,
        number: format!("R{stamp}DEMO0001"),
        seller_id: stall.0.clone(),
        issued_at: now,
        recorded_by: Some(stall.1.clone()),
        lines: vec![crate::receipts::model::ReceiptLine {
            lot_id: lots[1].clone(),
            weight_g: 1_500,
            price_fen: 10_500,
        }],
    };
    crate::audit::record(l.conn, Some(&stall.1), "issue", &receipt)?;
    // The frozen offal is recalled before it leaves: the slaughterhouse is notified of what it holds.
    let offal = crate::lots::queries::find(l.conn, &lots[5])?;
    let reached =
        crate::recalls::queries::reach(l.conn, crate::recalls::model::RecallScope::Lot, &offal.id)?;
    crate::recalls::queries::create(
        l.conn,
        crate::recalls::model::Recall {
            id: uuid::Uuid::new_v4().to_string(),
            scope: crate::recalls::model::RecallScope::Lot,
            scope_id: offal.id.clone(),
            slaughterhouse_id: offal.slaughterhouse_id.clone(),
            reason: "抽检发现兽药残留超标，召回".to_string(),
            recalled_by: Some(inspector.to_string()),
            recalled_at: crate::time::now(),
        },
        reached,
    )?;
    Ok(())
}
