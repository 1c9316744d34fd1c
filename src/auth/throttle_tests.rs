//! Unit tests of the login throttle, on a clock of their own (no sleeping).

use super::*;

fn limits() -> Limits {
    Limits {
        free_failures: 3,
        backoff_max: Duration::from_secs(10),
        forget_after: Duration::from_secs(3600),
        per_address: 100,
        window: Duration::from_secs(900),
    }
}

fn fail(t: &LoginThrottle, account: &str, client: &str, now: Instant) {
    t.begin_at(account, client, now)
        .unwrap_or_else(|w| panic!("{account} from {client} must wait {w} s"))
        .failed();
}

#[test]
fn free_failures_then_doubling_waits_up_to_the_cap() {
    let t = LoginThrottle::new(limits());
    let mut now = Instant::now();
    for _ in 0..3 {
        fail(&t, "alice", "203.0.113.5", now);
    }
    // After the free failures: 1 s, then 2 s, 4 s, 8 s, then the 10 s cap.
    for expected in [1, 2, 4, 8, 10, 10] {
        assert_eq!(
            t.begin_at("Alice", "203.0.113.5", now).err(),
            Some(expected)
        );
        let almost = now + Duration::from_secs(expected) - Duration::from_millis(1);
        assert_eq!(t.begin_at("alice", "203.0.113.5", almost).err(), Some(1));
        now += Duration::from_secs(expected);
        fail(&t, "alice", "203.0.113.5", now);
    }
}

#[test]
fn an_attacker_does_not_lock_the_user_out_from_elsewhere() {
    let t = LoginThrottle::new(limits());
    let now = Instant::now();
    for _ in 0..20 {
        let _ = t.begin_at("admin", "203.0.113.5", now).map(Attempt::failed);
    }
    assert!(t.begin_at("admin", "203.0.113.5", now).is_err());
    // The real admin from another address, and another account from the attacker's address.
    t.begin_at("admin", "198.51.100.7", now)
        .unwrap()
        .succeeded();
    t.begin_at("bob", "203.0.113.5", now).unwrap().succeeded();
    // A success clears only its own pair.
    assert!(t.begin_at("admin", "203.0.113.5", now).is_err());
}

#[test]
fn a_success_clears_the_pair() {
    let t = LoginThrottle::new(limits());
    let now = Instant::now();
    for _ in 0..2 {
        fail(&t, "alice", "c", now);
    }
    t.begin_at("alice", "c", now).unwrap().succeeded();
    for _ in 0..3 {
        fail(&t, "alice", "c", now);
    }
    assert_eq!(t.begin_at("alice", "c", now).err(), Some(1));
}

#[test]
fn an_address_spraying_accounts_is_capped() {
    let t = LoginThrottle::new(Limits {
        per_address: 4,
        window: Duration::from_secs(60),
        ..limits()
    });
    let now = Instant::now();
    for n in 0..4 {
        fail(&t, &format!("user{n}"), "203.0.113.9", now);
    }
    // Any account from that address waits for the oldest failure to leave the window...
    assert_eq!(t.begin_at("fresh", "203.0.113.9", now).err(), Some(60));
    let later = now + Duration::from_secs(45);
    assert_eq!(t.begin_at("fresh", "203.0.113.9", later).err(), Some(15));
    // ...other addresses do not.
    t.begin_at("fresh", "203.0.113.10", now)
        .unwrap()
        .succeeded();
    let after = now + Duration::from_secs(60);
    t.begin_at("fresh", "203.0.113.9", after)
        .unwrap()
        .succeeded();
}

#[test]
fn ipv6_addresses_count_by_their_64_prefix() {
    assert_eq!(address_key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
    assert_eq!(address_key("::ffff:198.51.100.7"), "198.51.100.7");
    assert_eq!(address_key("198.51.100.7"), "198.51.100.7");
    assert_eq!(address_key("unknown"), "unknown");
    let t = LoginThrottle::new(limits());
    let now = Instant::now();
    for host in 1..=3 {
        fail(&t, "alice", &format!("2001:db8:1:2::{host}"), now);
    }
    assert!(t.begin_at("alice", "2001:db8:1:2::99", now).is_err());
    assert!(t.begin_at("alice", "2001:db8:1:3::1", now).is_ok());
}

#[test]
fn concurrent_attempts_count_at_once_and_undecided_ones_are_taken_back() {
    let t = LoginThrottle::new(limits());
    let now = Instant::now();
    // Three attempts under way at once: the fourth, started before any is decided, must already wait.
    let a: Vec<_> = (0..3)
        .map(|_| t.begin_at("alice", "c", now).unwrap())
        .collect();
    assert!(t.begin_at("alice", "c", now).is_err());
    // Undecided (the check was busy): taken back, pair and address alike.
    drop(a);
    assert_eq!(t.entries_at(now), (vec![], vec![]));
    assert!(t.begin_at("alice", "c", now).is_ok_and(|a| {
        a.failed();
        true
    }));
}

#[test]
fn administrators_see_and_clear_entries() {
    let t = LoginThrottle::new(limits());
    let start = Instant::now();
    for _ in 0..3 {
        fail(&t, "alice", "203.0.113.5", start);
    }
    let now = start + Duration::from_secs(1);
    fail(&t, "alice", "203.0.113.5", now);
    fail(&t, "alice", "198.51.100.7", now);
    fail(&t, "bob", "203.0.113.5", now);
    let (pairs, addresses) = t.entries_at(now);
    assert_eq!(pairs.len(), 3);
    assert_eq!(
        (pairs[0].account.as_str(), pairs[0].address.as_str()),
        ("alice", "203.0.113.5")
    );
    assert_eq!((pairs[0].failures, pairs[0].wait_secs), (4, 2));
    assert_eq!(pairs[1].wait_secs, 0);
    assert_eq!(addresses.len(), 2);
    assert_eq!(
        (addresses[0].address.as_str(), addresses[0].failures),
        ("203.0.113.5", 5)
    );

    assert_eq!(t.clear(None, None), Cleared::default());
    assert_eq!(
        t.clear(Some("ALICE"), None),
        Cleared {
            pairs: 2,
            addresses: 0
        }
    );
    t.begin_at("alice", "203.0.113.5", now).unwrap().succeeded();
    assert_eq!(
        t.clear(None, Some("203.0.113.5")),
        Cleared {
            pairs: 1,
            addresses: 1
        }
    );
    let (pairs, addresses) = t.entries_at(now);
    assert!(pairs.is_empty(), "{pairs:?}");
    assert_eq!(addresses.len(), 1, "the other address stays: {addresses:?}");
}

#[test]
fn pairs_are_forgotten_and_memory_is_bounded() {
    let t = LoginThrottle::new(Limits {
        forget_after: Duration::from_secs(100),
        ..limits()
    });
    let now = Instant::now();
    for _ in 0..3 {
        fail(&t, "alice", "c", now);
    }
    let later = now + Duration::from_secs(101);
    t.begin_at("someone", "d", later).unwrap().failed();
    let (pairs, _) = t.entries_at(later);
    assert_eq!(pairs.len(), 1, "{pairs:?}");
    assert!(t.begin_at("alice", "c", later).is_ok());

    let t = LoginThrottle::new(limits());
    for n in 0..MAX_ENTRIES + 10 {
        let client = format!("10.{}.{}.{}", n >> 16, (n >> 8) & 255, n & 255);
        t.begin_at(&format!("u{n}"), &client, now).unwrap().failed();
    }
    let (pairs, addresses) = t.entries_at(now);
    assert_eq!((pairs.len(), addresses.len()), (MAX_ENTRIES, MAX_ENTRIES));
}
