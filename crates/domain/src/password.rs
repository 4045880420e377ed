//! Password hashing with argon2id at OWASP's recommended parameters
//! (m = 19 MiB, t = 2, p = 1: OWASP Password Storage Cheat Sheet).
//!
//! Hashing runs on a fixed pool of worker threads, one per core by default, each owning
//! one reusable 19 MiB working area, so memory stays flat under load and the async
//! runtime never blocks. The queue in front of the pool is bounded by *time*, not by a
//! count: a job is admitted when, at the measured hashing speed, it would finish within
//! the wait budget (2 s by default). So a burst that the workers can serve in time waits
//! its turn, and only load that could not be served in time gets [`HashError::Busy`] at
//! once (the API answers `TooManyRequestsException`), instead of an ever longer line.

use crate::secret::Password;
use argon2::password_hash::PasswordHash as PhcHash;
use argon2::{Algorithm, Argon2, Block, Params, Version};
use base64::engine::general_purpose::STANDARD_NO_PAD;
use base64::Engine;
use rand::RngCore;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{channel, Sender};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// A PHC-format argon2id hash. Deliberately not `Serialize`: it never leaves the server.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl std::fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHash([redacted])")
    }
}

impl PasswordHash {
    /// Wraps a PHC string read from storage.
    pub fn from_phc(phc: String) -> Self {
        PasswordHash(phc)
    }

    /// The PHC string, for storage.
    pub fn as_phc(&self) -> &str {
        &self.0
    }
}

/// Hashing failed.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// The hashing queue is full; try again shortly.
    #[error("password hashing is at capacity")]
    Busy,
    /// A broken parameter set or a dead worker.
    #[error("password hashing failed: {0}")]
    Failed(String),
}

const M_COST: u32 = 19 * 1024;
const T_COST: u32 = 2;
const P_COST: u32 = 1;

fn owasp_params() -> Params {
    // Constants are valid by construction; Params::DEFAULT is the fallback that cannot fail.
    Params::new(M_COST, T_COST, P_COST, Some(32)).unwrap_or(Params::DEFAULT)
}

/// Hashes with a caller-provided working area (`memory` is resized as needed).
fn hash_with(password: &[u8], memory: &mut Vec<Block>) -> Result<PasswordHash, HashError> {
    let params = owasp_params();
    let mut salt = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    let mut out = [0u8; 32];
    memory.resize(params.block_count(), Block::default());
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into_with_memory(password, &salt, &mut out, memory.as_mut_slice())
        .map_err(|e| HashError::Failed(e.to_string()))?;
    Ok(PasswordHash(format!(
        "$argon2id$v=19$m={M_COST},t={T_COST},p={P_COST}${}${}",
        STANDARD_NO_PAD.encode(salt),
        STANDARD_NO_PAD.encode(out)
    )))
}

/// Verifies with a caller-provided working area. A malformed stored hash never verifies.
fn verify_with(password: &[u8], hash: &PasswordHash, memory: &mut Vec<Block>) -> bool {
    let Ok(parsed) = PhcHash::new(&hash.0) else { return false };
    if parsed.algorithm.as_str() != "argon2id" {
        return false;
    }
    let (Ok(params), Some(salt), Some(expected)) = (Params::try_from(&parsed), parsed.salt, parsed.hash) else {
        return false;
    };
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else { return false };
    let expected = expected.as_bytes();
    let Ok(params) = Params::new(params.m_cost(), params.t_cost(), params.p_cost(), Some(expected.len())) else {
        return false;
    };
    memory.resize(params.block_count(), Block::default());
    let mut out = vec![0u8; expected.len()];
    let ok = Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into_with_memory(password, salt, &mut out, memory.as_mut_slice())
        .is_ok();
    ok && crate::crypto::ct_eq(&out, expected)
}

enum Job {
    Hash(Password, tokio::sync::oneshot::Sender<Result<PasswordHash, HashError>>),
    Verify(Password, PasswordHash, tokio::sync::oneshot::Sender<bool>),
}

struct Pool {
    tx: Sender<Job>,
    load: Arc<Load>,
}

/// What admission control knows: jobs admitted and not finished, and how long one takes.
struct Load {
    workers: usize,
    in_flight: AtomicUsize,
    /// Moving average of one job's duration, nanoseconds.
    job_nanos: AtomicU64,
    budget: Duration,
}

impl Load {
    /// Admits a job if it would be finished within the budget: the jobs ahead of it are
    /// shared by the workers, and it runs after its share of them.
    fn admit(&self) -> bool {
        let ahead = self.in_flight.fetch_add(1, Ordering::AcqRel);
        let rounds = (ahead / self.workers + 1) as u64;
        let expected = Duration::from_nanos(self.job_nanos.load(Ordering::Relaxed).saturating_mul(rounds));
        if expected > self.budget {
            self.in_flight.fetch_sub(1, Ordering::AcqRel);
            return false;
        }
        true
    }

    fn finished(&self, took: Duration) {
        self.in_flight.fetch_sub(1, Ordering::AcqRel);
        let took = u64::try_from(took.as_nanos()).unwrap_or(u64::MAX);
        // Exponential moving average with weight 1/8: follows the machine's real speed
        // (debug or release build, other load) within a few dozen jobs.
        let old = self.job_nanos.load(Ordering::Relaxed);
        let new = old - old / 8 + took / 8;
        self.job_nanos.store(new.max(1), Ordering::Relaxed);
    }
}

static POOL: OnceLock<Pool> = OnceLock::new();

/// The wait budget when none is configured.
pub const DEFAULT_WAIT_BUDGET: Duration = Duration::from_secs(2);

fn start(workers: usize, budget: Duration) -> Pool {
    let workers = workers.max(1);
    let (tx, rx) = channel::<Job>();
    let rx = Arc::new(std::sync::Mutex::new(rx));
    // Until jobs are measured, assume 50 ms (argon2id at these parameters on one core).
    let load =
        Arc::new(Load { workers, in_flight: AtomicUsize::new(0), job_nanos: AtomicU64::new(50_000_000), budget });
    for i in 0..workers {
        let rx = rx.clone();
        let load = load.clone();
        let spawned = std::thread::Builder::new().name(format!("argon2-{i}")).spawn(move || {
            let mut memory: Vec<Block> = Vec::new();
            loop {
                let job = match rx.lock() {
                    Ok(guard) => match guard.recv() {
                        Ok(j) => j,
                        Err(_) => return,
                    },
                    Err(_) => return,
                };
                let started = Instant::now();
                match job {
                    Job::Hash(p, reply) => {
                        let _ = reply.send(hash_with(p.secret().as_bytes(), &mut memory));
                    }
                    Job::Verify(p, h, reply) => {
                        let _ = reply.send(verify_with(p.secret().as_bytes(), &h, &mut memory));
                    }
                }
                load.finished(started.elapsed());
            }
        });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "could not start a password hashing worker");
        }
    }
    Pool { tx, load }
}

/// Sizes the pool (call once at start-up, before any hashing): `workers` threads, and
/// jobs admitted while they would finish within `wait_budget`. Later calls have no effect.
pub fn configure(workers: usize, wait_budget: Duration) {
    let _ = POOL.get_or_init(|| start(workers, wait_budget));
}

fn pool() -> &'static Pool {
    POOL.get_or_init(|| {
        let n = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        start(n, DEFAULT_WAIT_BUDGET)
    })
}

fn submit(job: Job) -> Result<(), HashError> {
    let pool = pool();
    if !pool.load.admit() {
        return Err(HashError::Busy);
    }
    pool.tx.send(job).map_err(|_| {
        pool.load.in_flight.fetch_sub(1, Ordering::AcqRel);
        HashError::Failed("hashing workers stopped".into())
    })
}

/// Hashes `password` with a fresh random salt on the hashing pool.
pub async fn hash(password: Password) -> Result<PasswordHash, HashError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    submit(Job::Hash(password, tx))?;
    rx.await.map_err(|_| HashError::Failed("hashing worker dropped the job".into()))?
}

/// A hash of a random password, computed once. Verifying against it when the account
/// does not exist makes "no such account" cost the same time as "wrong password".
async fn dummy_hash() -> PasswordHash {
    static DUMMY: tokio::sync::OnceCell<PasswordHash> = tokio::sync::OnceCell::const_new();
    DUMMY
        .get_or_init(|| async {
            let mut memory = Vec::new();
            hash_with(crate::crypto::random_token(24).as_bytes(), &mut memory)
                .unwrap_or_else(|_| PasswordHash(String::new()))
        })
        .await
        .clone()
}

/// Verifies on the hashing pool; with `None` it verifies against a dummy hash and
/// returns false, taking the same time as a real check.
pub async fn verify(password: Password, hash: Option<PasswordHash>) -> Result<bool, HashError> {
    let (known, target) = match hash {
        Some(h) => (true, h),
        None => (false, dummy_hash().await),
    };
    let (tx, rx) = tokio::sync::oneshot::channel();
    submit(Job::Verify(password, target, tx))?;
    let ok = rx.await.map_err(|_| HashError::Failed("hashing worker dropped the job".into()))?;
    Ok(ok && known)
}

/// Blocking hash with a one-off working area (tests and tools).
pub fn hash_blocking(password: &Password) -> Result<PasswordHash, HashError> {
    hash_with(password.secret().as_bytes(), &mut Vec::new())
}

/// Blocking verify with a one-off working area (tests and tools).
pub fn verify_blocking(password: &Password, hash: &PasswordHash) -> bool {
    verify_with(password.secret().as_bytes(), hash, &mut Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only_and_uses_argon2id_owasp_parameters() {
        let h = hash_blocking(&Password::new("correct horse")).unwrap();
        assert!(h.as_phc().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_blocking(&Password::new("correct horse"), &h));
        assert!(!verify_blocking(&Password::new("wrong horse"), &h));
        assert!(!verify_blocking(&Password::new("x"), &PasswordHash::from_phc("garbage".into())));
    }

    #[test]
    fn hashes_made_by_the_argon2_crate_itself_verify() {
        use argon2::password_hash::{PasswordHasher, SaltString};
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        let phc = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(M_COST, T_COST, P_COST, None).unwrap())
            .hash_password(b"pw", &salt)
            .unwrap()
            .to_string();
        assert!(verify_blocking(&Password::new("pw"), &PasswordHash::from_phc(phc)));
    }

    #[tokio::test]
    async fn the_pool_hashes_and_verifies_and_unknown_accounts_never_verify() {
        let h = hash(Password::new("pooled")).await.unwrap();
        assert!(verify(Password::new("pooled"), Some(h.clone())).await.unwrap());
        assert!(!verify(Password::new("other"), Some(h)).await.unwrap());
        assert!(!verify(Password::new("anything"), None).await.unwrap());
    }
}
