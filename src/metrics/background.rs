//! Counters of the background work, which runs on threads and tasks that have no request state: scheduled
//! rule sweeps and audit sealing. They are kept once per process and registered in every [`super::Metrics`].

use std::sync::LazyLock;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::registry::Registry;

/// Which scheduled rule.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RuleLabels {
    rule: &'static str,
}

struct Background {
    sweeps: Counter,
    sweep_failures: Counter,
    violations: Family<RuleLabels, Counter>,
    sealed: Counter,
    seal_failures: Counter,
}

static BACKGROUND: LazyLock<Background> = LazyLock::new(|| Background {
    sweeps: Counter::default(),
    sweep_failures: Counter::default(),
    violations: Family::default(),
    sealed: Counter::default(),
    seal_failures: Counter::default(),
});

/// Add the background counters to `registry`.
pub(super) fn register(registry: &mut Registry) {
    let b = &*BACKGROUND;
    registry.register(
        "niuyang_scheduled_rule_runs",
        "Sweeps of the scheduled rules started by the service",
        b.sweeps.clone(),
    );
    registry.register(
        "niuyang_scheduled_rule_failures",
        "Sweeps of the scheduled rules that failed",
        b.sweep_failures.clone(),
    );
    registry.register(
        "niuyang_scheduled_rule_violations",
        "Violations recorded by the scheduled rules, by rule",
        b.violations.clone(),
    );
    registry.register(
        "niuyang_audit_sealed_entries",
        "Audit entries sealed into the chain by the service's sealer",
        b.sealed.clone(),
    );
    registry.register(
        "niuyang_audit_seal_failures",
        "Rounds of the audit sealer that failed",
        b.seal_failures.clone(),
    );
}

/// A sweep of the scheduled rules ended: `Some(violations opened per rule)` when it succeeded.
pub fn sweep_finished(report: Option<&[(&'static str, usize)]>) {
    let b = &*BACKGROUND;
    b.sweeps.inc();
    match report {
        Some(counts) => {
            for &(rule, n) in counts {
                b.violations
                    .get_or_create(&RuleLabels { rule })
                    .inc_by(n as u64);
            }
        }
        None => {
            b.sweep_failures.inc();
        }
    }
}

/// The sealer sealed `n` entries.
pub fn sealed(n: usize) {
    BACKGROUND.sealed.inc_by(n as u64);
}

/// A round of the sealer failed.
pub fn seal_failed() {
    BACKGROUND.seal_failures.inc();
}
