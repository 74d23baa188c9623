//! Failure throttling for logins and invite-code look-ups.
//!
//! Counts *failures* per key (normalized login, or client IP) in a sliding window of one minute;
//! when a key has reached its limit, further attempts get 429 with `Retry-After` until the oldest
//! failure leaves the window. Successful logins do not count, so a user who types the password
//! right is never locked out by their own earlier use. Counters live in the process (one per
//! instance, as DESIGN §5 allows); with N instances an attacker gets at most N × the limit.
//!
//! (`governor`/`actix-governor` count every request, not failures only, so they limit request
//! volume on the auth scope instead; see `startup.rs`.)

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A sliding-window failure counter.
pub struct FailureThrottle {
    window: Duration,
    limit: usize,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl FailureThrottle {
    /// `limit` failures per `window`.
    pub fn new(limit: u32, window: Duration) -> Self {
        FailureThrottle {
            window,
            limit: limit as usize,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(seconds)` when the key is locked, with the seconds until it may try again.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        self.check_at(key, Instant::now())
    }

    fn check_at(&self, key: &str, now: Instant) -> Result<(), u64> {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let Some(q) = map.get_mut(key) else {
            return Ok(());
        };
        while q
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            q.pop_front();
        }
        if q.is_empty() {
            map.remove(key);
            return Ok(());
        }
        if q.len() >= self.limit {
            let oldest = q.front().copied().unwrap_or(now);
            let wait = self.window.saturating_sub(now.duration_since(oldest));
            return Err(wait.as_secs().max(1));
        }
        Ok(())
    }

    /// Records a failure for the key.
    pub fn record_failure(&self, key: &str) {
        self.record_at(key, Instant::now());
    }

    fn record_at(&self, key: &str, now: Instant) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        // Bound memory: drop stale keys when the map grows large.
        if map.len() > 100_000 {
            let window = self.window;
            map.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < window));
        }
        let q = map.entry(key.to_string()).or_default();
        q.push_back(now);
        while q.len() > self.limit {
            q.pop_front();
        }
    }

    /// Forgets the key's failures (after a successful login).
    pub fn clear(&self, key: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(key);
    }
}

/// The server's throttles.
pub struct Throttles {
    /// Failed logins per normalized login.
    pub account: FailureThrottle,
    /// Failed logins and failed invite-code look-ups per client IP.
    pub ip: FailureThrottle,
}

impl Throttles {
    /// Throttles with per-minute limits.
    pub fn new(per_account: u32, per_ip: u32) -> Self {
        Throttles {
            account: FailureThrottle::new(per_account, Duration::from_secs(60)),
            ip: FailureThrottle::new(per_ip, Duration::from_secs(60)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixth_attempt_after_five_failures_in_a_minute_is_refused_until_the_window_passes() {
        let t = FailureThrottle::new(5, Duration::from_secs(60));
        let t0 = Instant::now();
        for i in 0..5 {
            assert_eq!(t.check_at("ivanova", t0 + Duration::from_secs(i)), Ok(()));
            t.record_at("ivanova", t0 + Duration::from_secs(i));
        }
        assert_eq!(t.check_at("ivanova", t0 + Duration::from_secs(10)), Err(50));
        assert_eq!(t.check_at("petrov", t0 + Duration::from_secs(10)), Ok(()));
        assert_eq!(
            t.check_at("ivanova", t0 + Duration::from_secs(60)),
            Ok(()),
            "oldest failure left the window"
        );
        t.clear("ivanova");
        assert_eq!(t.check_at("ivanova", t0 + Duration::from_secs(11)), Ok(()));
    }
}
