//! Every refusal the service can give, in one place: one enum of stable codes (serialised as the snake_case
//! strings clients already know), each with its kind and its text in Chinese and English.
//!
//! A text may name values in braces (`{trace_code}`); the refusal fills them with [`Refusal::with`]. A
//! refusal may carry field errors (`field`, `code`, `detail`, `detail_en`) so that a page can show each one
//! beside its field. Domain rules and use cases return refusals; only `crate::error` turns a kind into an
//! HTTP status. Nothing here knows HTTP.

use std::borrow::Cow;
use std::fmt::Display;

use serde::Serialize;
use utoipa::ToSchema;

/// What sort of refusal a code is. `crate::error` picks the HTTP status for each kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The request itself is malformed (400).
    BadRequest,
    /// No valid credentials (401).
    Unauthenticated,
    /// The caller may not do this (403).
    Forbidden,
    /// No such record in the caller's scope, or no such route (404).
    NotFound,
    /// The route does not answer this method (405).
    MethodNotAllowed,
    /// Clashes with a record that exists (409).
    Conflict,
    /// The body is too large (413).
    PayloadTooLarge,
    /// The body is not of a type the route reads (415).
    UnsupportedMediaType,
    /// Well formed but breaks a rule (422).
    Unprocessable,
    /// Too many requests; retry later (429).
    TooMany,
    /// The database cannot answer now (503).
    Unavailable,
    /// No room left to write (507).
    StorageFull,
    /// A fault of the service (500).
    Internal,
}

macro_rules! codes {
    ($( $name:ident = ($kind:ident, $zh:literal, $en:literal), )*) => {
        /// Every refusal's stable, machine-readable code.
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, ToSchema,
            strum::IntoStaticStr, strum::EnumString, strum::EnumIter, strum::Display,
        )]
        #[serde(rename_all = "snake_case")]
        #[strum(serialize_all = "snake_case")]
        pub enum Code {
            $( #[doc = $en] $name, )*
        }

        impl Code {
            /// What sort of refusal this is.
            pub fn kind(self) -> Kind {
                match self { $( Code::$name => Kind::$kind, )* }
            }

            /// The text in Chinese and English, with `{name}` where a value goes.
            pub fn text(self) -> (&'static str, &'static str) {
                match self { $( Code::$name => ($zh, $en), )* }
            }
        }
    };
}

codes! {
    // ---- shared: every feature ----
    OutOfRange = (Unprocessable, "{field}：{what}须在 {min} 至 {max} 之间", "{field}: {what_en} must be from {min} to {max}"),
    ControlCharacter = (Unprocessable, "{field}：文字中不能有控制字符或方向控制符（{char}）", "{field}: text must not contain control or direction-override characters ({char})"),
    TextEmpty = (Unprocessable, "{field}：不能为空", "{field}: must not be empty"),
    TextTooLong = (Unprocessable, "{field}：不能超过 {max} 个字符", "{field}: must be at most {max} characters"),
    NotFound = (NotFound, "{what}不存在或不在您的权限范围内", "{what_en} not found or not in your scope"),
    Forbidden = (Forbidden, "您的角色无权执行此操作", "your role may not do this"),
    InvalidFields = (Unprocessable, "有字段不符合要求，见 errors", "some fields are not acceptable; see errors"),
    InvalidBody = (BadRequest, "请求内容有误：{reason}", "the body is not acceptable: {reason_en}"),
    Duplicate = (Conflict, "已存在相同的记录（编号或名称重复）", "a record with the same number or name exists"),
    WorkOrderNoTaken = (Conflict, "该 12345 工单号已录入过", "this 12345 work-order number has been entered already"),
    UsernameTaken = (Conflict, "该用户名已被使用", "this username is taken"),
    UnknownReference = (Unprocessable, "引用的记录不存在", "a referenced record does not exist"),
    InvalidValue = (Unprocessable, "数据不符合约束", "a value breaks a constraint"),
    DatabaseUnavailable = (Unavailable, "数据库暂时不可用，请稍后再试", "the database is unavailable; try again shortly"),
    DatabaseTimeout = (Unavailable, "数据库未能在时限内响应，请稍后用同一 Idempotency-Key 重试", "the database did not answer in time; retry shortly (with the same Idempotency-Key for a write)"),
    StorageFull = (StorageFull, "存储空间已满，本次写入未保存，请稍后再试", "the database has no room left; nothing was saved; try again later"),
    Internal = (Internal, "服务器内部错误，已记录，请稍后再试", "internal error; it has been logged"),
    // ---- app ----
    MethodNotAllowed = (MethodNotAllowed, "{path} 不支持 {method} 方法，可用：{allowed}", "{path} does not answer {method}; it answers {allowed}"),
    NoSuchRoute = (NotFound, "没有这个地址：{method} {path}", "no such route: {method} {path}"),
    // ---- auth ----
    PasswordChecksBusy = (Unavailable, "登录请求过多，请 {seconds} 秒后再试", "too many logins at once; try again in {seconds} s"),
    Unauthenticated = (Unauthenticated, "请先登录（缺少 Authorization: Bearer 令牌）", "log in first (no Authorization: Bearer token)"),
    InvalidToken = (Unauthenticated, "登录凭证无效：{reason}", "the token is not valid: {reason_en}"),
    AccountDisabled = (Unauthenticated, "该账户已被停用", "this account has been disabled"),
    PasswordChangeRequired = (Forbidden, "请先修改初始密码（POST /api/v1/auth/password）", "choose a new password first (POST /api/v1/auth/password)"),
    TooManyLoginAttempts = (TooMany, "登录失败次数过多，请 {wait} 秒后再试", "too many failed logins; try again in {wait} s"),
    InvalidCredentials = (Unauthenticated, "用户名或密码错误", "wrong username or password"),
    PasswordUnchanged = (Unprocessable, "新密码不能与当前密码相同", "the new password must differ from the current one"),
    WrongPassword = (Unprocessable, "当前密码不正确", "the current password is wrong"),
    PasswordChangedMeanwhile = (Conflict, "密码刚被更改或重置，请重新登录后再试", "the password was changed or reset meanwhile; log in again"),
    WeakPassword = (Unprocessable, "密码太弱：{rule}", "the password is too weak: {rule_en}"),
    ThrottleTargetMissing = (Unprocessable, "请指定要解除限制的账户或地址", "name the account or the address to clear"),
    InvalidAddress = (Unprocessable, "不是有效的 IP 地址：{address}", "not a valid IP address: {address}"),
    TokenIssuedInFuture = (Unauthenticated, "登录凭证的签发时间晚于当前时间，请重新登录", "the token claims to be issued in the future; log in again"),
    TokenLifetimeExceeded = (Unauthenticated, "登录凭证的有效期超过本服务允许的时长，请重新登录", "the token lives longer than this service allows; log in again"),
    TokenExpired = (Unauthenticated, "登录已过期，请重新登录", "the token has expired; log in again"),
    // ---- batches ----
    HalalNotCertified = (Unprocessable, "本厂在 {day} 没有有效的清真认证，不能屠宰清真牛羊", "this slaughterhouse has no halal certification in force on {day}"),
    SpeciesMismatch = (Unprocessable, "{what}的畜种（{species}）与{other}的畜种（{other_species}）不符", "{what_en} is {species} but {other_en} is {other_species}"),
    IntakeNotChecked = (Unprocessable, "进厂记录 {id} 的牲畜尚未经官方兽医查验合格，不能屠宰", "intake {id} has not been checked and accepted by an official vet"),
    HeadsExceedIntake = (Unprocessable, "进厂记录 {id} 的活畜仅剩 {left} 头未屠宰，不能再取 {heads} 头", "intake {id} has {left} heads left alive and unslaughtered, not {heads}"),
    QuarantineHeadsMismatch = (Unprocessable, "合格 {passed} 头与不合格 {failed} 头之和须等于批次头数 {batch_heads}", "passed {passed} and failed {failed} must add up to the batch's {batch_heads} heads"),
    NoHeads = (Unprocessable, "批次须至少从一批进厂牲畜中取头数", "a batch draws heads from at least one intake"),
    InvalidHeadCount = (Unprocessable, "{what}须为 1 至 {max} 头", "{what_en} must be 1 to {max}"),
    DuplicateIntake = (Unprocessable, "同一批进厂牲畜在批次中出现两次", "the same intake is listed twice"),
    DateInFuture = (Unprocessable, "{field}：日期 {day} 晚于今天", "{field}: {day} is in the future"),
    InvalidSamples = (Unprocessable, "抽样数与阳性数不能为负，阳性数不能多于抽样数", "samples and positives cannot be negative, nor positives exceed samples"),
    InvalidQuantity = (Unprocessable, "{what}须大于 0", "{what_en} must be more than 0"),
    InvalidWeight = (Unprocessable, "{what}的重量须大于 0 克，且不超过 {max} 克", "{what_en} must weigh more than 0 g and at most {max} g"),
    InvalidAmount = (Unprocessable, "{what}须大于 0，金额（分）不能为负", "{what_en} must be more than 0 and an amount (fen) not negative"),
    BatchNoTaken = (Conflict, "批次号 {batch_no} 已使用", "batch number {batch_no} is already used"),
    QuarantineRecorded = (Conflict, "该批次的屠宰检疫结果已登记", "the slaughter quarantine of this batch is already recorded"),
    ProductCertificateRequired = (Unprocessable, "有合格产品时须同时出具动物检疫合格证明（产品A/B）", "a product certificate must be issued for the heads that passed"),
    NothingPassed = (Unprocessable, "没有检疫合格的产品，不能出具产品检疫证明", "no heads passed, so no product certificate can be issued"),
    CertificateNumberTaken = (Conflict, "{what}编号 {number} 已使用", "{what_en} number {number} is already used"),
    QuarantineNotRecorded = (Unprocessable, "须先由官方兽医完成屠宰检疫，才能出具检验合格证", "slaughter quarantine must be recorded before inspection"),
    // ---- buyers ----
    BuyerExists = (Conflict, "已有经营者使用该执照号", "a buyer with this licence number is registered"),
    BuyerNotRegistered = (Unprocessable, "购买方不是登记在册的肉品经营者", "the buyer is not a registered buyer"),
    // ---- certificates ----
    InvalidEarTag = (Unprocessable, "耳标号 {tag} 不是 15 位数字", "ear tag {tag} is not 15 digits"),
    EarTagSpeciesMismatch = (Unprocessable, "耳标号 {tag} 的首位（畜种代码）与畜种不符：牛为 2，羊为 3", "ear tag {tag} does not start with the species digit (2 cattle, 3 sheep)"),
    DuplicateEarTag = (Unprocessable, "耳标号 {tag} 重复", "ear tag {tag} is listed twice"),
    TooManyEarTags = (Unprocessable, "耳标数多于头数（证明头数或活畜头数）", "more ear tags than heads (certified, or received alive)"),
    IssuedInFuture = (Unprocessable, "签发时间晚于现在", "the certificate is dated in the future"),
    // ---- complaints ----
    ComplaintWrongStatus = (Conflict, "举报当前为「{zh}」，不能进行此操作（{kind}）", "the complaint is {en}; the move {kind} is not possible now"),
    InvalidPhone = (Unprocessable, "联系电话格式不正确", "the phone number is not valid"),
    InvalidField = (Unprocessable, "{what}：{rule}", "{field} {rule_en}"),
    WorkOrderRequired = (Unprocessable, "电话举报须填写 12345 工单号", "a phone complaint needs its 12345 work-order number"),
    WorkOrderNotAllowed = (Unprocessable, "网上举报无需填写工单号", "work_order_no is only for complaints entered by the hotline"),
    InvalidWorkOrderNo = (Unprocessable, "12345 工单号须为 1 至 40 个字母、数字或 - _ . /，以字母或数字开头", "a 12345 work-order number is 1 to 40 letters, digits or - _ . /, starting with a letter or digit"),
    RewardAlreadyClaimed = (Conflict, "奖励已申领，请勿重复申领", "the reward has already been claimed"),
    OfficerNotEligible = (Unprocessable, "只能派给{side}（本区或市级）的执法人员", "the officer must be an inspector or regulator of the receiving administration"),
    RewardAlreadyPaid = (Conflict, "奖励已支付", "the reward has already been paid"),
    UnknownSubject = (Unprocessable, "被举报的经营者不存在（只能是已登记的屠宰厂或肉品经营者）", "the business complained of is not a registered slaughterhouse or buyer"),
    MistypedCode = (Unprocessable, "追溯码校验位不符，请核对后重新输入", "the trace code fails its check character; check it and try again"),
    ComplaintChanged = (Conflict, "该举报刚被他人处理过，请刷新后重试", "someone else moved this complaint just now; reload and try again"),
    TicketNotFound = (NotFound, "受理编号或查询码不正确", "no complaint with this ticket number and access code"),
    // ---- credit ----
    CreditKindNotManual = (Unprocessable, "此类信用事件由相应业务记录自动生成，不能手工录入", "this kind of event comes from the record that causes it; only commendation, warning and note are entered by hand"),
    // ---- demo ----
    DemoLoaded = (Conflict, "演示数据已加载过（账户 sr.city 已存在）", "the demo data is already loaded (account sr.city exists)"),
    // ---- disposals ----
    HandoverSlipRequired = (Unprocessable, "委托处理须填写交接单号", "an outsourced disposal needs the handover slip number"),
    SupervisingVetRequired = (Unprocessable, "无害化处理须有驻场官方兽医监督", "a disposal needs the supervising official vet"),
    SupervisorNotAssignedVet = (Unprocessable, "监督人须为派驻本厂的官方兽医", "the supervisor must be an official vet stationed at this slaughterhouse"),
    DisposalExceedsLot = (Unprocessable, "处理重量 {weight_g} 克超过该产品重量 {weight} 克", "{weight_g} g is more than the lot's {weight} g"),
    DisposalExceedsFailedHeads = (Unprocessable, "该批次检疫不合格 {failed} 头，已处理 {disposed} 头，本次 {heads} 头不符", "the batch has {failed} failed heads, {disposed} already disposed of; {heads} does not fit"),
    DisposalExceedsBatch = (Unprocessable, "处理头数超过批次头数 {heads}", "more heads than the batch's {heads}"),
    // ---- epcis ----
    TooManyEvents = (Unprocessable, "该时间范围内有 {n} 个事件，超过单次导出上限 {max} 个，请缩小时间范围", "the range holds {n} events, over the limit of {max} per export; narrow the range"),
    InvalidTime = (Unprocessable, "{name} 须为日期（如 2026-11-28，按北京时间）或带时区的 RFC 3339 时间：{value}", "{name} must be a date (e.g. 2026-11-28, China time) or an RFC 3339 time with offset: {value}"),
    RangeInverted = (Unprocessable, "时间范围的结束（to）须晚于开始（from）", "the end of the range (to) must come after its start (from)"),
    RangeTooLong = (Unprocessable, "一次最多导出 {max_days} 天，请缩小时间范围", "one export covers at most {max_days} days; narrow the range"),
    // ---- error ----
    PayloadTooLarge = (PayloadTooLarge, "请求内容超过 {kib} KiB 上限", "the body is larger than {kib} KiB"),
    UnsupportedContentType = (UnsupportedMediaType, "内容类型不对：{expected}", "wrong content type: {expected_en}"),
    MalformedJson = (BadRequest, "无法读取请求内容：{reason}", "could not read the body: {reason_en}"),
    InvalidPath = (BadRequest, "路径参数有误：{reason}", "invalid path parameter: {reason_en}"),
    MalformedForm = (BadRequest, "无法读取提交内容：{reason}", "could not read the form: {reason_en}"),
    InvalidQuery = (BadRequest, "查询参数有误：{reason}", "invalid query parameter: {reason_en}"),
    // ---- idempotency ----
    InvalidIdempotencyKey = (BadRequest, "Idempotency-Key 无效：{reason}", "the Idempotency-Key is not valid: {reason_en}"),
    IdempotencyKeyReused = (Conflict, "该 Idempotency-Key 已用于另一个不同的请求", "this Idempotency-Key was already used for a different request"),
    IdempotencyAnswerUnavailable = (Conflict, "该 Idempotency-Key 下保存的答复已无法读取（服务密钥已更换）", "the answer stored under this Idempotency-Key can no longer be read (the server's secret changed)"),
    // ---- intake ----
    DestinationMismatch = (Unprocessable, "检疫证明 {number} 的目的地是另一家屠宰厂，不能在本厂进厂", "certificate {number} is addressed to another slaughterhouse"),
    CertificateNotYetValid = (Unprocessable, "检疫证明 {number} 于 {issue_day} 签发，尚未生效", "certificate {number} is issued on {issue_day}, not yet valid"),
    CertificateExpired = (Unprocessable, "检疫证明 {number} 已于 {valid_until} 过期", "certificate {number} expired on {valid_until}"),
    CertificateUsedUp = (Unprocessable, "检疫证明 {number} 共 {head_count} 头，已进厂 {already_received} 头，本次 {heads} 头超出证明头数", "certificate {number} covers {head_count} heads; {already_received} already received, {heads} more would exceed it"),
    EarTagNotOnCertificate = (Unprocessable, "耳标 {tag} 不在检疫证明 {number} 上", "ear tag {tag} is not on certificate {number}"),
    EarTagAlreadySlaughtered = (Unprocessable, "耳标 {tag} 的牲畜已进厂屠宰过，一个耳标只能屠宰一次", "ear tag {tag} has already been taken in for slaughter; a tag is slaughtered once"),
    UnknownCertificate = (Unprocessable, "检疫证明 {number} 未登记，请先登记证明", "certificate {number} is not recorded; record it first"),
    IntakeAlreadyChecked = (Conflict, "该批进厂牲畜已查验过", "this intake has already been checked"),
    // ---- ledger ----
    InvalidCode = (Unprocessable, "追溯码有误：{reason}", "the trace code is not valid: {reason_en}"),
    UnknownCode = (NotFound, "追溯码 {code} 格式正确，但系统中没有这个产品（可能是假冒标签）", "trace code {code} is well formed but unknown (possibly a counterfeit label)"),
    NotShippedToBuyer = (Unprocessable, "追溯码 {code} 的产品没有发货给本户的申报记录，请向供货方核实", "lot {code} was never declared as shipped to you; check with the supplier"),
    DocumentCheckRequired = (Unprocessable, "餐饮、食堂和加工企业须完成票据查验后登记（第八条）", "caterers and processors must record the document check (art. 八)"),
    // ---- limits ----
    TooManyRequests = (TooMany, "{what}，请 {wait} 秒后再试", "{what_en}; try again in {wait} s"),
    // ---- lots ----
    InvalidLotCount = (Unprocessable, "一次须分装 1 至 500 个产品", "make 1 to 500 lots at a time"),
    InvalidGtin = (Unprocessable, "GTIN {g} 无效（须为 8/12/13/14 位且校验位正确）", "GTIN {g} is not valid (8, 12, 13 or 14 digits with a correct check digit)"),
    LotClosed = (Conflict, "追溯码 {trace_code} 的产品已在屠宰厂无害化处理，不能再有任何操作", "lot {trace_code} was disposed of at the slaughterhouse; it is closed"),
    NoProductCertificate = (Unprocessable, "该批次没有动物检疫合格证明（产品A/B），不能分装成产品", "the batch has no product certificate (产品A/B)"),
    NoPassingInspection = (Unprocessable, "该批次没有检验合格的《广州市畜产品检验合格证》，不能分装成产品", "the batch has no passing inspection certificate"),
    LotsExceedInspectedWeight = (Unprocessable, "产品重量合计 {total} 克，超过检验合格证 {number} 记载的 {weight_g} 克", "the lots weigh {total} g together, more than the {weight_g} g inspected on {number}"),
    // ---- organisations ----
    UseDesignation = (Unprocessable, "屠宰厂须由屠宰行政管理部门通过定点登记（POST /api/v1/slaughterhouses）创建", "slaughterhouses are created by designation (POST /api/v1/slaughterhouses)"),
    DistrictRequired = (Unprocessable, "经营者须属于一个区", "a buyer business belongs to a district"),
    // ---- recalls ----
    LotNotActive = (Conflict, "该产品已是「{other}」状态", "the lot is already {other}"),
    AlreadyAcknowledged = (Conflict, "该召回通知已确认收到", "the notification has already been acknowledged"),
    ExceedsWeightToPull = (Unprocessable, "追溯码 {trace_code}：应下架 {weight_to_pull_g} 克，已报告 {reported} 克，本次 {disposed_g} 克超出", "lot {trace_code}: {weight_to_pull_g} g to pull, {reported} g reported, {disposed_g} g more is too much"),
    NothingToRecall = (Conflict, "召回范围内没有仍在流通的产品（已召回或已无害化处理）", "nothing this recall reaches is still active (already recalled or disposed of)"),
    RecallWithdrawn = (Conflict, "该召回已撤销", "the recall has been withdrawn"),
    // ---- receipts ----
    InvalidLines = (Unprocessable, "{doc}须有 1 至 {max} 行{rule}", "{doc_en} has 1 to {max} lines{rule_en}"),
    DuplicateLot = (Unprocessable, "同一产品出现两次", "the same lot is listed twice"),
    // ---- shipments ----
    ShipToSelf = (Unprocessable, "不能发货给自己", "a seller cannot ship to itself"),
    NotInNetwork = (Unprocessable, "本厂在 {ship_date} 未纳入肉品安全信息网络：{detail}", "not in the meat safety information network on {ship_date}: {detail_en}"),
    VoucherNoTaken = (Conflict, "交易凭证号 {voucher_no} 已使用", "voucher number {voucher_no} is already used"),
    ProductCertificateLapsed = (Unprocessable, "追溯码 {trace_code} 的产品检疫证明已于 {valid_until} 过期，不能出厂", "the product certificate of lot {trace_code} lapsed on {valid_until}"),
    FailedHeadsNotDisposed = (Unprocessable, "追溯码 {trace_code} 所属批次尚有检疫不合格的牲畜未作无害化处理", "a failed head of lot {trace_code}'s batch has no disposal record"),
    // ---- slaughterhouses ----
    InvalidStatusTransition = (Conflict, "当前状态为「{from_zh}」，不能执行此操作", "cannot {action} a slaughterhouse whose status is {from}"),
    InvalidUscc = (Unprocessable, "统一社会信用代码有误：{reason}", "the unified social credit code is not valid: {reason_en}"),
    InvalidLicencePeriod = (Unprocessable, "许可证有效期的开始日期晚于结束日期", "the licence starts after it ends"),
    SlaughterhouseExists = (Conflict, "已有屠宰厂使用该统一社会信用代码或定点证号", "a slaughterhouse with this credit code or designation number exists"),
    SlaughterhouseRevoked = (Conflict, "该屠宰厂的定点资格已被撤销，记录不能再修改", "this slaughterhouse's designation is revoked; its record is closed"),
    InvalidAgreementTerm = (Unprocessable, "协议的签订日期晚于到期日期", "the agreement is signed after it expires"),
    InvalidFeePeriod = (Unprocessable, "收费项目的日期有误：{rule}", "the fee item's dates are wrong: {rule_en}"),
    FeeItemOverlaps = (Conflict, "收费项目「{item}」在 {effective_from} 起已有核准标准，请先为其设定失效日期", "the item \"{item}\" already has an approved cap from {effective_from}; end it first"),
    // ---- stock ----
    InvalidChildren = (Unprocessable, "须分为 1 至 200 份，每份重量大于 0 克", "split into 1 to 200 children, each weighing more than 0 g"),
    AlreadySoldOut = (Conflict, "今天已标记售罄", "already marked sold out today"),
    LotRecalled = (Unprocessable, "追溯码 {trace_code} 的产品已被召回，不能再流通", "lot {trace_code} has been recalled"),
    LotDisposed = (Unprocessable, "追溯码 {trace_code} 的产品已无害化处理", "lot {trace_code} has been disposed of"),
    // ---- trace ----
    TraceStartRequired = (Unprocessable, "请给出且只给出一个追溯起点：{names}", "give exactly one place to start the trace: {names}"),
    // ---- users ----
    CannotDisableSelf = (Unprocessable, "不能停用自己的账户", "you cannot disable your own account"),
    InvalidUsername = (Unprocessable, "用户名须为 3 至 64 个字符，只能包含小写字母、数字和 . _ -", "a username is 3 to 64 characters of a-z, 0-9, '.', '_' and '-'"),
    UnknownOrganisation = (Unprocessable, "所属机构不存在", "the organisation does not exist"),
    RoleOrgMismatch = (Unprocessable, "角色 {role} 只能属于：{allowed}；该机构是{kind_zh}", "role {role} belongs to an organisation of kind {allowed_en}, not {kind}"),
    NotAVet = (Unprocessable, "只有官方兽医可以被派驻到屠宰厂", "only official vets can be assigned to slaughterhouses"),
    UnknownSlaughterhouse = (Unprocessable, "屠宰厂不存在", "the slaughterhouse does not exist"),
    AlreadyAssigned = (Conflict, "该兽医已派驻到该屠宰厂", "the vet is already assigned to this slaughterhouse"),
    AssignmentEnded = (Conflict, "该派驻已结束", "the assignment has already ended"),
    // ---- violations ----
    UnknownInspectionRule = (Unprocessable, "「{rule}」不是现场检查可记录的规则（见 inspection_* 规则）", "`{rule}` is not a rule inspections record (see the inspection_* rules)"),
    InvalidRecordKind = (Unprocessable, "不能关联「{entity}」类记录", "records of kind `{entity}` cannot be linked"),
    SubjectRequired = (Unprocessable, "须且只能填写一个当事人：已登记机构（subject_org_id）或未登记当事人（subject）", "give exactly one subject: a registered organisation (subject_org_id) or an unregistered one (subject)"),
    DistrictOutOfScope = (Unprocessable, "该区不在您的管辖范围内", "that district is outside your jurisdiction"),
    InvalidFine = (Unprocessable, "罚款金额须为 0 至 10 亿元之间的整数分", "the fine must be 0 to 1,000,000,000 yuan, in fen"),
    UnknownRule = (Unprocessable, "没有代码为「{r}」的规则", "there is no rule with the code `{r}`"),
    ExportTooLarge = (Unprocessable, "导出超过 {EXPORT_MAX} 条，请缩小日期范围或增加筛选条件", "more than {EXPORT_MAX} rows; narrow the date range or add filters"),
    InvalidDateRange = (Unprocessable, "结束日期不能早于开始日期", "`to` must not be before `from`"),
    InvalidCursor = (Unprocessable, "分页游标无效，请从第一页重新查询", "the paging cursor is not valid; start again from the first page"),
    ViolationWrongStatus = (Conflict, "该违法违规记录当前为「{zh}」，不能进行此操作", "the violation is {en}; this step is not possible now"),
    ViolationChanged = (Conflict, "该记录刚被他人处理，请刷新后重试", "someone else just moved this violation; reload and try again"),

    // ---- slaughterhouses (more) ----
    SlaughterhouseSuspended = (Unprocessable, "该屠宰厂的定点资格已被暂停", "this slaughterhouse's designation is suspended"),
    SlaughterhouseNotDesignated = (Unprocessable, "该屠宰厂在 {day} 尚未获得定点资格（自 {from} 起才获定点）", "this slaughterhouse is not designated on {day} (only from {from})"),
    LicenceNotYetValid = (Unprocessable, "屠宰许可证在 {day} 尚未生效（自 {from} 起才生效）", "the slaughter licence is not yet valid on {day} (only from {from})"),
    LicenceExpired = (Unprocessable, "屠宰许可证已于 {day} 过期", "the slaughter licence expired on {day}"),
    SpeciesNotLicensed = (Unprocessable, "该屠宰厂未获准屠宰{species}", "this slaughterhouse is not licensed for {species_en}"),
    NoAgreementInForce = (Unprocessable, "该屠宰厂在 {day} 没有生效的质量安全协议", "no quality-safety agreement is in force on {day}"),
    // ---- stock (more) ----
    ExceedsHolding = (Unprocessable, "追溯码 {trace_code}：可用 {held} 克，不足 {wanted} 克", "lot {trace_code}: {held} g available, {wanted} g asked for"),
    ExceedsAvailableWeight = (Unprocessable, "追溯码 {trace_code}：可用 {held} 克，不足 {wanted} 克", "lot {trace_code}: {held} g available, {wanted} g asked for"),
    ExceedsShippedWeight = (Unprocessable, "追溯码 {trace_code}：可用 {held} 克，不足 {wanted} 克", "lot {trace_code}: {held} g available, {wanted} g asked for"),
    DisposeAtSlaughterhouse = (Unprocessable, "屠宰厂的无害化处理须在官方兽医监督下登记（无害化处理记录），此处只报告下架", "a slaughterhouse records its disposals under a vet's supervision (POST /api/v1/disposals); report only what it pulled here"),
    // ---- recalls (more) ----
    InvalidReport = (Unprocessable, "下架和销毁的重量不能为负，且不能都为 0", "pulled and disposed weights cannot be negative, nor both 0"),
    MethodRequired = (Unprocessable, "报告销毁时须写明无害化处理方式", "a disposal needs its method"),
}

impl Code {
    /// The code as clients see it (`invalid_uscc`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// One field's refusal, shown beside the field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// The field, as named in the request (`lines[2].weight_g`).
    pub field: String,
    /// Its code.
    pub code: Code,
    /// What is wrong, in Chinese.
    pub detail: String,
    /// What is wrong, in English.
    pub detail_en: String,
}

/// A refusal: its code, the values its text names, and field errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The code.
    pub code: Code,
    args: Vec<(Cow<'static, str>, String)>,
    /// Each field's own refusal, when the refusal is about fields.
    pub fields: Vec<FieldError>,
    /// Seconds to wait before trying again (rate limits, outages).
    pub retry_after: Option<u64>,
}

impl Refusal {
    /// A refusal with this code.
    pub fn of(code: Code) -> Refusal {
        Refusal {
            code,
            args: Vec::new(),
            fields: Vec::new(),
            retry_after: None,
        }
    }

    /// Fills `{name}` in the code's text with `value`.
    pub fn with(mut self, name: &'static str, value: impl Display) -> Refusal {
        self.args.push((Cow::Borrowed(name), value.to_string()));
        self
    }

    /// [`Refusal::with`] for a name known only at run time (a refusal read back from a parser's message).
    pub fn with_owned(mut self, name: String, value: String) -> Refusal {
        self.args.push((Cow::Owned(name), value));
        self
    }

    /// The values the text names.
    pub fn args(&self) -> &[(Cow<'static, str>, String)] {
        &self.args
    }

    /// A record that does not exist or is out of the caller's scope (never told apart): `what` in both
    /// languages, e.g. `("批次", "batch")`.
    pub fn not_found(what: &str, what_en: &str) -> Refusal {
        Refusal::of(Code::NotFound)
            .with("what", what)
            .with("what_en", what_en)
    }

    /// The refusal is about one field: it carries itself as that field's error too.
    pub fn at(mut self, field: impl Into<String>) -> Refusal {
        let (detail, detail_en) = self.detail();
        self.fields.push(FieldError {
            field: field.into(),
            code: self.code,
            detail,
            detail_en,
        });
        self
    }

    /// Several fields' refusals at once (`invalid_fields`); one alone keeps its own code.
    pub fn fields(mut errors: Vec<Refusal>) -> Refusal {
        if errors.len() == 1 {
            return errors.remove(0);
        }
        let mut all = Refusal::of(Code::InvalidFields);
        all.fields = errors.into_iter().flat_map(|r| r.fields).collect();
        all
    }

    /// Asks the client to wait `secs` seconds before trying again.
    pub fn retry_after(mut self, secs: u64) -> Refusal {
        self.retry_after = Some(secs.max(1));
        self
    }

    /// The text in Chinese and English with the values filled in.
    pub fn detail(&self) -> (String, String) {
        let (zh, en) = self.code.text();
        (self.fill(zh), self.fill(en))
    }

    /// Fills the values in; a text that names `{field}` without one being given drops the field's name.
    fn fill(&self, text: &str) -> String {
        self.args
            .iter()
            .fold(text.to_string(), |t, (name, value)| {
                t.replace(&format!("{{{name}}}"), value)
            })
            .replace("{field}：", "")
            .replace("{field}: ", "")
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.detail().1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    #[test]
    fn codes_are_the_snake_case_strings_clients_know() {
        assert_eq!(Code::InvalidUscc.as_str(), "invalid_uscc");
        assert_eq!(
            serde_json::to_value(Code::ExceedsHolding).ok(),
            Some(serde_json::json!("exceeds_holding"))
        );
        for c in Code::iter() {
            assert_eq!(c.as_str().parse::<Code>().ok(), Some(c));
        }
    }

    #[test]
    fn every_code_has_both_texts_and_they_name_the_same_values() {
        for c in Code::iter() {
            let (zh, en) = c.text();
            assert!(!zh.is_empty() && zh != "?", "{c}: no Chinese text");
            assert!(!en.is_empty() && en != "?", "{c}: no English text");
            assert!(
                zh.chars().any(|ch| ch > '\u{2e80}'),
                "{c}: the Chinese text is not Chinese"
            );
        }
    }

    #[test]
    fn values_fill_the_text_and_a_field_error_carries_it() {
        let r = Refusal::of(Code::ExceedsHolding)
            .with("trace_code", "A1")
            .with("held", 5)
            .with("wanted", 7)
            .at("lines[0].weight_g");
        assert_eq!(r.detail().1, "lot A1: 5 g available, 7 g asked for");
        assert_eq!(r.fields[0].field, "lines[0].weight_g");
        assert_eq!(r.fields[0].detail_en, r.detail().1);
        let two = Refusal::fields(vec![
            Refusal::of(Code::InvalidWeight).at("a"),
            Refusal::of(Code::InvalidPhone).at("b"),
        ]);
        assert_eq!(two.code, Code::InvalidFields);
        assert_eq!(two.fields.len(), 2);
    }
}
