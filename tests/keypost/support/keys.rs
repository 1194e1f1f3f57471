//! Data keys and deterministic entropy for the tests of sealing and re-keying.

use keypost::vault::{Dek, Entropy};

/// Distinct bytes per call, stepping by `step` (tests only: not random).
pub struct Counter(pub u8, pub u8);

impl Entropy for Counter {
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), keypost::vault::NoEntropy> {
        for b in buf.iter_mut() {
            self.0 = self.0.wrapping_add(self.1);
            *b = self.0;
        }
        Ok(())
    }
}

/// A 32-byte data key made of one base64 character: 44 characters (the last before `=` holds
/// 2 unused zero bits).
pub fn dek(c: char) -> Dek {
    let text: String = std::iter::repeat_n(c, 42).chain("A=".chars()).collect();
    Dek::from_base64(&text).expect("a 32-byte key")
}
