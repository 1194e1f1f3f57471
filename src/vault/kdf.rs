//! Argon2id's cost parameters as the record stores them, and the bounds every record must meet.

use argon2::Params;

/// Argon2id cost parameters, as stored in the record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Passes over the memory (time cost).
    pub t: u32,
    /// Lanes (parallelism). In wasm the lanes run one after the other.
    pub p: u32,
}

impl KdfParams {
    /// OWASP's minimum recommendation for Argon2id: 19 MiB, 2 passes, 1 lane.
    pub const OWASP_MIN: Self = Self {
        m_kib: 19_456,
        t: 2,
        p: 1,
    };
    /// The parameters new vaults get: the strongest measured set that unlocks within about
    /// 250 ms in the extension's service worker on the project's 2-core machine (docs/SECURITY.md, "Argon2id parameters").
    pub const DEFAULT: Self = Self {
        m_kib: 47_104,
        t: 3,
        p: 1,
    };
    /// Largest memory a record may ask for: 256 MiB (about 5.6 times [`KdfParams::DEFAULT`]).
    /// A stored or imported record asking for more is refused before any derivation, so no
    /// input can make the worker allocate more than this.
    pub const MAX_M_KIB: u32 = 256 * 1024;
    /// Largest number of passes a record may ask for. With [`KdfParams::MAX_M_KIB`] this bounds
    /// one derivation to about 18 times the default's work (a few seconds, never minutes).
    pub const MAX_T: u32 = 10;
    /// Largest number of lanes a record may ask for (in wasm they run one after the other).
    pub const MAX_P: u32 = 4;

    /// Checks that a record's parameters are within the product's bounds, before any KDF
    /// runs: at most [`KdfParams::MAX_M_KIB`], [`KdfParams::MAX_T`] and [`KdfParams::MAX_P`],
    /// and at least [`KdfParams::OWASP_MIN`] in memory and passes (the floor every record this
    /// code ever wrote meets) with at least one lane.
    ///
    /// # Errors
    /// The first bound the parameters break.
    pub fn check_sane(&self) -> Result<(), KdfRejection> {
        if self.m_kib > Self::MAX_M_KIB {
            return Err(KdfRejection::MemoryTooHigh);
        }
        if self.t > Self::MAX_T {
            return Err(KdfRejection::TimeTooHigh);
        }
        if self.p > Self::MAX_P {
            return Err(KdfRejection::ParallelismTooHigh);
        }
        if self.p < Params::MIN_P_COST {
            return Err(KdfRejection::ParallelismTooLow);
        }
        if self.m_kib < Self::OWASP_MIN.m_kib {
            return Err(KdfRejection::MemoryTooLow);
        }
        if self.t < Self::OWASP_MIN.t {
            return Err(KdfRejection::TimeTooLow);
        }
        Ok(())
    }

    /// Checks parameters for a record about to be written: the same bounds as a stored one
    /// ([`KdfParams::check_sane`]).
    ///
    /// # Errors
    /// The first bound the parameters break.
    pub fn check_for_new_record(&self) -> Result<(), KdfRejection> {
        self.check_sane()
    }

    /// Whether these parameters cost an attacker at least as much as `other`: no less memory
    /// and no fewer passes. Lanes are ignored: they do not change the total work.
    #[must_use]
    pub fn is_at_least(&self, other: &Self) -> bool {
        self.m_kib >= other.m_kib && self.t >= other.t
    }

    /// The parameters a record is (re-)wrapped with when this build aims at `target`: the
    /// stronger of the two in memory and in passes, with the target's lanes. Never weaker than
    /// either input, so a record made with stronger parameters keeps them (both are within
    /// the bounds, so the result is too).
    #[must_use]
    pub fn at_least(self, target: Self) -> Self {
        Self {
            m_kib: self.m_kib.max(target.m_kib),
            t: self.t.max(target.t),
            p: target.p,
        }
    }
}

/// Why a set of KDF parameters was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KdfRejection {
    /// Memory above [`KdfParams::MAX_M_KIB`].
    MemoryTooHigh,
    /// Passes above [`KdfParams::MAX_T`].
    TimeTooHigh,
    /// Lanes above [`KdfParams::MAX_P`].
    ParallelismTooHigh,
    /// Memory below [`KdfParams::OWASP_MIN`]'s 19 MiB.
    MemoryTooLow,
    /// Fewer passes than [`KdfParams::OWASP_MIN`]'s 2.
    TimeTooLow,
    /// Zero lanes.
    ParallelismTooLow,
}

impl KdfRejection {
    /// A stable snake_case code.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::MemoryTooHigh => "memory_too_high",
            Self::TimeTooHigh => "time_too_high",
            Self::ParallelismTooHigh => "parallelism_too_high",
            Self::MemoryTooLow => "memory_too_low",
            Self::TimeTooLow => "time_too_low",
            Self::ParallelismTooLow => "parallelism_too_low",
        }
    }
}
