//! Builders of test data, made through the JSON API so that the service's own rules apply, with only what a
//! test asks for: the people and places of the demo by their names (`app.cast(&["sh.suibei", "vet.chen"])`
//! designates 穗北 as the city's slaughter regulator would, with its agreement and fee schedule, and stations
//! the vet there), and a slaughter chain from certificate to labelled lots, shipped on and received
//! (`app.chain(SUIBEI).lots(&[100_000]).make()`, `app.shipment(&lot, 50_000).to("vendor.suifeng").make()`).
//!
//! Accounts are the one thing written without the API: the service hashes every new password (tens of
//! milliseconds each), so they are created through the same query the API calls (the same rules: role fits
//! the organisation, unique name, audit entry) with one password hash shared by all of them.

#![allow(dead_code)]

use std::sync::atomic::Ordering;

use actix_web::http::StatusCode;
use niuyang::policy::Role;
use serde_json::{json, Value};

use crate::common::*;

/// 穗北 (Baiyun): cattle and sheep, no halal certification; vet.chen is stationed there.
pub const SUIBEI: &str = "广州市穗北牛羊定点屠宰场";
/// 禺南 (Panyu): cattle and sheep, halal certified; vet.chen is stationed there.
pub const YUNAN: &str = "广州禺南清真牛羊屠宰厂";
/// 良口 (Conghua): cattle only; no vet stationed.
pub const LIANGKOU: &str = "广州市从化良口牛羊定点屠宰场";
/// 正果 (Zengcheng): sheep only, suspended.
pub const ZHENGGUO: &str = "广州市增城正果羊只屠宰场";
/// The city's slaughter administration.
pub const SLAUGHTER_CITY: &str = "广州市农业农村局";

/// Every caller of the role × endpoint matrices (see `scope::CALLERS`).
pub const MATRIX_CAST: &[&str] = &[
    "demo.admin",
    "sr.city",
    "sr.baiyun",
    "mr.city",
    "vet.chen",
    "vet.li",
    "sh.suibei",
    "sh.yunan",
    "vendor.crv",
    "inspector.city",
    "inspector.haizhu",
    "hotline.01",
];

/// One account of every role.
pub const EVERY_ROLE: &[&str] = &[
    "demo.admin",
    "sr.city",
    "mr.city",
    "inspector.city",
    "vet.chen",
    "hotline.01",
    "sh.suibei",
    "vendor.suifeng",
];

/// The people of the demo: login name, role, organisation.
const PEOPLE: &[(&str, Role, &str)] = &[
    ("demo.admin", Role::Admin, PLATFORM),
    ("sr.city", Role::SlaughterRegulator, SLAUGHTER_CITY),
    (
        "sr.baiyun",
        Role::SlaughterRegulator,
        "广州市白云区农业农村局",
    ),
    ("mr.city", Role::MarketRegulator, "广州市商务局"),
    ("mr.haizhu", Role::MarketRegulator, "广州市海珠区商务局"),
    ("inspector.city", Role::Inspector, SLAUGHTER_CITY),
    ("inspector.haizhu", Role::Inspector, "广州市海珠区商务局"),
    ("vet.chen", Role::OfficialVet, AGENCY),
    ("vet.li", Role::OfficialVet, AGENCY),
    (
        "hotline.01",
        Role::HotlineOperator,
        "广州 12345 政府服务热线",
    ),
    ("sh.suibei", Role::Slaughterhouse, SUIBEI),
    ("sh.yunan", Role::Slaughterhouse, YUNAN),
    ("sh.liangkou", Role::Slaughterhouse, LIANGKOU),
    ("sh.zhengguo", Role::Slaughterhouse, ZHENGGUO),
    (
        "vendor.suifeng",
        Role::Vendor,
        "江南果菜批发市场 · 穗丰牛羊肉批发行",
    ),
    ("vendor.crv", Role::Vendor, "华润万家（天河城店）"),
    (
        "vendor.jiangnan12",
        Role::Vendor,
        "海珠区江南中街市场 12 号档",
    ),
    ("vendor.shiqiao8", Role::Vendor, "番禺区市桥农贸市场 8 号档"),
    ("vendor.xiguan", Role::Vendor, "荔湾区西关牛杂专卖店"),
    ("vendor.lanzhou", Role::Vendor, "越秀区清真兰州牛肉面馆"),
    ("vendor.canteen", Role::Vendor, "黄埔区某科技园职工食堂"),
    ("vendor.suixiang", Role::Vendor, "南沙区穗香肉制品加工厂"),
];

const PLATFORM: &str = "牛羊追溯平台运营方（演示）";
const AGENCY: &str = "广州市动物卫生监督所";

/// Organisations the platform's administrator makes: name, kind, district.
const PLAIN: &[(&str, &str, Option<&str>)] = &[
    (SLAUGHTER_CITY, "slaughter_administration", None),
    (
        "广州市白云区农业农村局",
        "slaughter_administration",
        Some("baiyun"),
    ),
    ("广州市商务局", "circulation_administration", None),
    (
        "广州市海珠区商务局",
        "circulation_administration",
        Some("haizhu"),
    ),
    (AGENCY, "animal_health_agency", None),
    ("广州 12345 政府服务热线", "hotline_centre", None),
];

/// A designated slaughterhouse of the demo.
struct House {
    name: &'static str,
    district: &'static str,
    division: &'static str,
    serial: &'static str,
    no: &'static str,
    species: &'static str,
    halal: bool,
    suspended: bool,
    /// vet.chen is stationed here.
    vet: bool,
}

const HOUSES: &[House] = &[
    House {
        name: SUIBEI,
        district: "baiyun",
        division: "0111",
        serial: "59B0L0",
        no: "穗牛羊定字（白云）001号",
        species: "both",
        halal: false,
        suspended: false,
        vet: true,
    },
    House {
        name: YUNAN,
        district: "panyu",
        division: "0113",
        serial: "5CXYA0",
        no: "穗牛羊定字（番禺）002号",
        species: "both",
        halal: true,
        suspended: false,
        vet: true,
    },
    House {
        name: LIANGKOU,
        district: "conghua",
        division: "0117",
        serial: "5D3K7H",
        no: "穗牛羊定字（从化）003号",
        species: "cattle",
        halal: false,
        suspended: false,
        vet: false,
    },
    House {
        name: ZHENGGUO,
        district: "zengcheng",
        division: "0118",
        serial: "5E8N2P",
        no: "穗牛羊定字（增城）004号",
        species: "sheep",
        halal: false,
        suspended: true,
        vet: false,
    },
];

/// Buyer businesses of the demo: name, district, kind, market and stall.
type BuyerRow = (
    &'static str,
    &'static str,
    &'static str,
    Option<(&'static str, &'static str)>,
);
const BUYERS: &[BuyerRow] = &[
    (
        "江南果菜批发市场 · 穗丰牛羊肉批发行",
        "baiyun",
        "wholesale_trader",
        Some(("江南果菜批发市场", "A-108")),
    ),
    ("华润万家（天河城店）", "tianhe", "supermarket", None),
    (
        "海珠区江南中街市场 12 号档",
        "haizhu",
        "meat_market_stall",
        Some(("江南中街市场", "12")),
    ),
    (
        "番禺区市桥农贸市场 8 号档",
        "panyu",
        "farmers_market_stall",
        Some(("市桥农贸市场", "8")),
    ),
    ("荔湾区西关牛杂专卖店", "liwan", "meat_shop", None),
    ("越秀区清真兰州牛肉面馆", "yuexiu", "restaurant", None),
    ("黄埔区某科技园职工食堂", "huangpu", "canteen", None),
    ("南沙区穗香肉制品加工厂", "nansha", "processor", None),
];

/// A day counted from today in China (negative: past), as `YYYY-MM-DD`.
pub fn day(offset: i64) -> String {
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    (today + chrono::Duration::days(offset)).to_string()
}

/// Now minus `h` hours, with the China offset.
pub fn hours_ago(h: i64) -> String {
    let t = chrono::Utc::now() - chrono::Duration::hours(h);
    t.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("offset"))
        .to_rfc3339()
}

/// The id in a created record's answer, after checking it was created.
pub fn created_id(r: &Resp) -> String {
    assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
    r.body["id"].as_str().expect("id").to_string()
}

impl TestApp {
    /// An application over a migrated database with these people and places (by the demo's names), made
    /// through the API with whatever they need (their organisation, who designates or registers it).
    pub async fn with_cast(names: &[&str]) -> TestApp {
        let mut app = TestApp::empty();
        app.cast(names).await;
        app
    }

    /// [`TestApp::with_cast`] with these rule parameters.
    pub async fn with_rules_and_cast(
        rules: niuyang::config::RuleSettings,
        names: &[&str],
    ) -> TestApp {
        let mut app = TestApp::with_all(niuyang::config::AuthSettings::default(), rules);
        app.cast(names).await;
        app
    }

    /// Make these people and places now, if they are not there yet.
    pub async fn cast(&mut self, names: &[&str]) {
        for name in names {
            self.ensure(name).await;
        }
    }

    async fn ensure(&mut self, name: &str) {
        if self.accounts.contains_key(name) || self.orgs.contains_key(name) {
            return;
        }
        // Who has to be there first: the administrator for accounts and plain organisations, the city's
        // slaughter regulator to designate a house, the city's market regulator to register a buyer.
        let (first, org): (Option<&str>, Option<&str>) = match PEOPLE.iter().find(|p| p.0 == name) {
            Some(&(_, _, PLATFORM)) => (None, None),
            Some(&(_, _, org)) => (Some("demo.admin"), Some(org)),
            None if HOUSES.iter().any(|h| h.name == name) => (Some("sr.city"), None),
            None if BUYERS.iter().any(|b| b.0 == name) => (Some("mr.city"), None),
            None if PLAIN.iter().any(|p| p.0 == name) => (Some("demo.admin"), None),
            None => panic!("no one called {name} in the cast"),
        };
        for n in first.into_iter().chain(org) {
            Box::pin(self.ensure(n)).await;
        }
        if let Some(&(username, role, org)) = PEOPLE.iter().find(|p| p.0 == name) {
            if org == PLATFORM {
                let org_id = self
                    .state
                    .db
                    .write_now(|c| {
                        niuyang::organisations::queries::create(
                            c,
                            None,
                            niuyang::organisations::model::OrgKind::PlatformOperator,
                            PLATFORM,
                            None,
                        )
                    })
                    .expect("platform")
                    .id;
                self.orgs.insert(PLATFORM.to_string(), org_id);
            }
            let org_id = self.orgs[org].clone();
            self.make_user(username, role, &org_id);
            if username == "vet.chen" {
                for h in HOUSES.iter().filter(|h| h.vet) {
                    if let Some(house) = self.orgs.get(h.name).cloned() {
                        self.station("vet.chen", &house).await;
                    }
                }
            }
        } else if let Some(h) = HOUSES.iter().find(|h| h.name == name) {
            self.designate(h).await;
        } else if let Some(b) = BUYERS.iter().position(|b| b.0 == name) {
            self.register_buyer(b).await;
        } else if let Some(&(name, kind, district)) = PLAIN.iter().find(|p| p.0 == name) {
            let admin = self.token("demo.admin");
            let r = self
                .post(
                    "/api/v1/organisations",
                    Some(&admin),
                    json!({"kind": kind, "name": name, "district": district}),
                )
                .await;
            self.orgs.insert(name.to_string(), created_id(&r));
        }
    }

    /// Station an official vet at a slaughterhouse (the administrator does it).
    pub async fn station(&self, vet: &str, house_id: &str) {
        let vet_id = self.account(vet).user_id.clone();
        let r = self
            .post(
                &format!("/api/v1/users/{vet_id}/vet-assignments"),
                Some(&self.token("demo.admin")),
                json!({"slaughterhouse_id": house_id}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
    }

    /// Designate a house as the city's slaughter regulator, with its quality agreement and fee schedule.
    async fn designate(&mut self, h: &House) {
        let sr = self.token("sr.city");
        let r = self
            .post(
                "/api/v1/slaughterhouses",
                Some(&sr),
                json!({
                    "name": h.name, "district": h.district, "address": format!("广州市{}区测试路 1 号", h.district),
                    "uscc": niuyang::demo::demo_uscc(&format!("44{}", h.division), &format!("{}0", h.serial)),
                    "designation_no": h.no, "species": h.species,
                    "halal": h.halal.then(|| json!({"number": "粤清真认字 2025-0116", "expires_on": day(300)})),
                    "licence_no": format!("SC-{}", h.division), "licence_valid_from": day(-700),
                    "licence_valid_until": day(400), "designated_on": day(-700),
                }),
            )
            .await;
        let id = created_id(&r);
        let agreement = self
            .post(
                &format!("/api/v1/slaughterhouses/{id}/agreements"),
                Some(&sr),
                json!({"number": format!("穗屠质安协〔测试〕{}号", h.division), "signed_on": day(-30),
                       "expires_on": day(335)}),
            )
            .await;
        assert_eq!(agreement.status, StatusCode::CREATED, "{agreement:?}");
        let mut fees = Vec::new();
        if h.species != "sheep" {
            fees.push(("牛屠宰费", "per_head", 12_000));
        }
        if h.species != "cattle" {
            fees.push(("羊屠宰费", "per_head", 2_500));
        }
        fees.push(("冷藏费", "per_kg", 20));
        fees.push(("检验检测费", "per_batch", 5_000));
        for (item, unit, cap) in fees {
            let f = self
                .post(
                    &format!("/api/v1/slaughterhouses/{id}/fee-items"),
                    Some(&sr),
                    json!({"item": item, "unit": unit, "cap_fen": cap, "effective_from": day(-365),
                           "approval_ref": "穗发改价格〔2024〕12号"}),
                )
                .await;
            assert_eq!(f.status, StatusCode::CREATED, "{f:?}");
        }
        if h.suspended {
            let s = self
                .post(
                    &format!("/api/v1/slaughterhouses/{id}/status-changes"),
                    Some(&sr),
                    json!({"action": "suspend", "reason": "飞行检查发现待宰圈消毒记录缺失，责令停业整改"}),
                )
                .await;
            assert_eq!(s.status, StatusCode::CREATED, "{s:?}");
        }
        self.orgs.insert(h.name.to_string(), id.clone());
        if h.vet && self.accounts.contains_key("vet.chen") {
            self.station("vet.chen", &id).await;
        }
    }

    /// Register a buyer business as the city's market regulator.
    async fn register_buyer(&mut self, i: usize) {
        let (name, district, kind, market) = BUYERS[i];
        let r = self
            .post(
                "/api/v1/buyers",
                Some(&self.token("mr.city")),
                json!({"name": name, "buyer_kind": kind, "district": district,
                       "licence_no": niuyang::demo::demo_uscc("440100", &format!("6B{i:05}")),
                       "address": format!("广州市{district}区"), "market_name": market.map(|m| m.0),
                       "stall_no": market.map(|m| m.1)}),
            )
            .await;
        self.orgs.insert(name.to_string(), created_id(&r));
    }

    /// The organisation of a cast member (a person's or a place's own id).
    pub fn org_of(&self, name: &str) -> String {
        match self.accounts.get(name) {
            Some(a) => a.org_id.clone(),
            None => self.org_id(name),
        }
    }

    /// A number no other builder call of this application has used.
    pub fn serial(&self) -> u32 {
        self.serial.fetch_add(1, Ordering::SeqCst)
    }

    /// A slaughter chain at this house (a cast member), made by its staff and its stationed vet.
    pub fn chain(&self, house: &str) -> ChainBuilder<'_> {
        let staff = PEOPLE
            .iter()
            .find(|p| p.2 == house && p.1 == Role::Slaughterhouse)
            .map(|p| p.0)
            .unwrap_or_else(|| panic!("{house} has no staff in the cast"));
        ChainBuilder {
            app: self,
            house: self.org_of(house),
            staff: self.token(staff),
            vet: self.token("vet.chen"),
            species: "cattle",
            heads: 2,
            failed: 0,
            halal: false,
            inspected_g: None,
            lots: Vec::new(),
        }
    }

    /// A shipment of `weight_g` of this lot, by its holder, to a buyer (a cast member).
    pub fn shipment(&self, lot: &Lot, weight_g: i64) -> ShipmentBuilder<'_> {
        ShipmentBuilder {
            app: self,
            from: lot.holder.clone(),
            lines: vec![(lot.id.clone(), weight_g)],
            to: None,
            voucher: None,
            receive: false,
        }
    }
}

/// A lot made by a builder: its id, trace code, and the token of whoever holds it.
#[derive(Clone, Debug)]
pub struct Lot {
    pub id: String,
    pub code: String,
    pub holder: String,
}

/// What a chain made.
#[derive(Clone, Debug)]
pub struct Made {
    pub certificate: String,
    pub certificate_no: String,
    pub intake: String,
    pub batch: String,
    pub lots: Vec<Lot>,
}

/// Certificate, intake and the vet's check, batch, quarantine with its product certificate, inspection and
/// lots, each through the API; every step checked.
pub struct ChainBuilder<'a> {
    app: &'a TestApp,
    house: String,
    staff: String,
    vet: String,
    species: &'static str,
    heads: i32,
    failed: i32,
    halal: bool,
    inspected_g: Option<i64>,
    lots: Vec<i64>,
}

impl ChainBuilder<'_> {
    /// Sheep instead of cattle.
    pub fn sheep(mut self) -> Self {
        self.species = "sheep";
        self
    }

    /// Heads delivered and slaughtered (default 2).
    pub fn heads(mut self, n: i32) -> Self {
        self.heads = n;
        self
    }

    /// Heads the vet fails (default none; left undisposed).
    pub fn failed(mut self, n: i32) -> Self {
        self.failed = n;
        self
    }

    /// A halal batch (the house must be certified).
    pub fn halal(mut self) -> Self {
        self.halal = true;
        self
    }

    /// Weight inspected (default: the lots' total).
    pub fn inspected(mut self, g: i64) -> Self {
        self.inspected_g = Some(g);
        self
    }

    /// Lots of these weights (cuts of beef or mutton, chilled).
    pub fn lots(mut self, weights: &[i64]) -> Self {
        self.lots = weights.to_vec();
        self
    }

    /// Make it all.
    pub async fn make(self) -> Made {
        let app = self.app;
        let n = app.serial();
        let digit = if self.species == "cattle" { '2' } else { '3' };
        let tags: Vec<String> = (0..self.heads as u32)
            .map(|i| format!("{digit}441803{:08}", 90_000_000 + n * 1000 + i))
            .collect();
        let number = format!("44180320261128{n:05}");
        let certificate = created_id(
            &app.post(
                "/api/v1/animal-certificates",
                Some(&self.staff),
                json!({"number": number, "cert_type": "animal_b", "species": self.species,
                       "head_count": self.heads, "owner_name": "陈某某", "origin_place": "广东省清远市清新区",
                       "destination_id": self.house, "carrier": "粤运畜禽运输有限公司",
                       "vehicle_plate": "粤R·3C417", "issued_at": hours_ago(0), "ear_tags": tags}),
            )
            .await,
        );
        let intake = created_id(
            &app.post(
                "/api/v1/intakes",
                Some(&self.staff),
                json!({"certificate_number": number, "species": self.species, "heads_alive": self.heads,
                       "heads_dead": 0, "ear_tags": tags, "vehicle_plate": "粤R·3C417"}),
            )
            .await,
        );
        let check = app
            .post(
                &format!("/api/v1/intakes/{intake}/checks"),
                Some(&self.vet),
                json!({"accepted": true, "note": "证物相符"}),
            )
            .await;
        assert_eq!(check.status, StatusCode::CREATED, "{check:?}");
        let batch = created_id(
            &app.post(
                "/api/v1/batches",
                Some(&self.staff),
                json!({"batch_no": format!("B-{n}"), "species": self.species, "halal": self.halal,
                       "draws": [{"intake_id": intake, "heads": self.heads}]}),
            )
            .await,
        );
        let product = if self.species == "cattle" {
            "鲜牛肉"
        } else {
            "鲜羊肉"
        };
        let q = app
            .post(
                &format!("/api/v1/batches/{batch}/quarantine"),
                Some(&self.vet),
                json!({"heads_passed": self.heads - self.failed, "heads_failed": self.failed,
                       "samples": 3, "positives": 0,
                       "product_certificate": {"number": format!("PB-{n}"), "cert_type": "product_b",
                                               "product": product, "quantity": 4750, "unit": "kg"}}),
            )
            .await;
        assert_eq!(q.status, StatusCode::CREATED, "{q:?}");
        let total: i64 = self.lots.iter().sum();
        let inspected = self.inspected_g.unwrap_or(total.max(1));
        let i = app
            .post(
                &format!("/api/v1/batches/{batch}/inspection-certificates"),
                Some(&self.staff),
                json!({"number": format!("JY-{n}"), "weight_g": inspected, "inspector": "李检验", "passed": true}),
            )
            .await;
        assert_eq!(i.status, StatusCode::CREATED, "{i:?}");
        let mut lots = Vec::new();
        if !self.lots.is_empty() {
            let name = if self.species == "cattle" {
                "牛腩"
            } else {
                "羊排"
            };
            let specs: Vec<Value> = self
                .lots
                .iter()
                .map(|w| json!({"product_kind": "cuts", "product_name": name, "weight_g": w, "storage": "chilled"}))
                .collect();
            let made = app
                .post(
                    &format!("/api/v1/batches/{batch}/lots"),
                    Some(&self.staff),
                    json!({"lots": specs}),
                )
                .await;
            assert_eq!(made.status, StatusCode::CREATED, "{made:?}");
            for l in made.body.as_array().expect("lots") {
                lots.push(Lot {
                    id: l["id"].as_str().expect("id").to_string(),
                    code: l["trace_code"].as_str().expect("code").to_string(),
                    holder: self.staff.clone(),
                });
            }
        }
        Made {
            certificate,
            certificate_no: number,
            intake,
            batch,
            lots,
        }
    }
}

/// A shipment from a lot's holder to a buyer, and, if asked, the buyer's receipt of it in its ledger.
pub struct ShipmentBuilder<'a> {
    app: &'a TestApp,
    from: String,
    lines: Vec<(String, i64)>,
    to: Option<String>,
    voucher: Option<String>,
    receive: bool,
}

impl ShipmentBuilder<'_> {
    /// To this buyer (a vendor of the cast).
    pub fn to(mut self, vendor: &str) -> Self {
        self.to = Some(vendor.to_string());
        self
    }

    /// Another line.
    pub fn and(mut self, lot: &Lot, weight_g: i64) -> Self {
        self.lines.push((lot.id.clone(), weight_g));
        self
    }

    /// With this voucher number.
    pub fn voucher(mut self, no: &str) -> Self {
        self.voucher = Some(no.to_string());
        self
    }

    /// The buyer records every line in its purchase ledger.
    pub fn received(mut self) -> Self {
        self.receive = true;
        self
    }

    /// Ship (and receive); returns the shipment's id, and the lots as the buyer now holds them.
    pub async fn make(self) -> (String, Vec<Lot>) {
        let app = self.app;
        let vendor = self.to.expect("a buyer");
        let buyer = app.account(&vendor).clone();
        let voucher = self
            .voucher
            .unwrap_or_else(|| format!("JY-{}", app.serial()));
        let lines: Vec<Value> = self
            .lines
            .iter()
            .map(|(lot, w)| json!({"lot_id": lot, "weight_g": w, "unit_price_fen": 8_000}))
            .collect();
        let s = app
            .post(
                "/api/v1/shipments",
                Some(&self.from),
                json!({"buyer_id": buyer.org_id, "voucher_no": voucher, "lines": lines}),
            )
            .await;
        let id = created_id(&s);
        let mut held = Vec::new();
        for (lot, w) in &self.lines {
            let code = app
                .get(&format!("/api/v1/lots/{lot}"), Some(&self.from))
                .await
                .body["trace_code"]
                .as_str()
                .expect("code")
                .to_string();
            if self.receive {
                let r = app
                    .post(
                        "/api/v1/ledger/entries",
                        Some(&buyer.token),
                        json!({"scanned": code, "weight_g": w, "document_check": true,
                               "document_note": "已查验检疫证明、检验合格证和销售凭据"}),
                    )
                    .await;
                assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
            }
            held.push(Lot {
                id: lot.clone(),
                code,
                holder: buyer.token.clone(),
            });
        }
        (id, held)
    }
}
