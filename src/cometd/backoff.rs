//! Reconnect backoff as the reference CometD client does it: linear, +1 s per failure up to
//! 60 s, back to zero on success.

/// Linear backoff: each failure adds `step_ms`, capped at `max_ms`.
#[derive(Debug, Clone)]
pub struct Backoff {
    step_ms: u64,
    max_ms: u64,
    current_ms: u64,
}

impl Backoff {
    /// A backoff at zero.
    pub fn new(step_ms: u64, max_ms: u64) -> Backoff {
        Backoff {
            step_ms,
            max_ms,
            current_ms: 0,
        }
    }

    /// Counts one more failure and returns the wait it calls for.
    pub fn increase(&mut self) -> u64 {
        if self.current_ms < self.max_ms {
            self.current_ms = self
                .current_ms
                .saturating_add(self.step_ms)
                .min(self.max_ms);
        }
        self.current_ms
    }

    /// The current wait, in ms.
    pub fn current(&self) -> u64 {
        self.current_ms
    }

    /// Back to zero, after a success.
    pub fn reset(&mut self) {
        self.current_ms = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::Backoff;

    #[test]
    fn linear_capped_and_reset() {
        let mut b = Backoff::new(1000, 60_000);
        assert_eq!(b.current(), 0);
        assert_eq!(b.increase(), 1000);
        assert_eq!(b.increase(), 2000);
        for _ in 0..100 {
            b.increase();
        }
        assert_eq!(b.current(), 60_000);
        b.reset();
        assert_eq!(b.current(), 0);
        let mut odd = Backoff::new(7000, 10_000);
        odd.increase();
        assert_eq!(odd.increase(), 10_000);
    }
}
