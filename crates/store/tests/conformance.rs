//! Store conformance: every case is written once against `SqlStore` and runs on SQLite
//! and on PostgreSQL, each on a fresh database. The PostgreSQL cases need
//! `COGNATE_TEST_POSTGRES_URL` and fail without it, so they never pass by not running;
//! skip them explicitly with `-- --skip postgres::` (as the SQLite leg of
//! `scripts/test.sh` does).

use cognate_store as store;
use domain::admin_key::AdminKeyRecord;
use domain::clock::Timestamp;
use domain::operator::{Email, Operator, OperatorId, OperatorRecord, OperatorRole};
use domain::password::PasswordHash;
use domain::pool::{PoolName, Region, UserPool, UserPoolId};
use domain::ports::*;
use domain::throttle::ThrottleState;
use std::future::Future;
use store::testing::{fresh_postgres_url, fresh_sqlite_url, postgres_url_from_env};
use store::SqlStore;

async fn on_sqlite<F, Fut>(case: F)
where
    F: FnOnce(SqlStore) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().unwrap();
    let store = SqlStore::open(&fresh_sqlite_url(dir.path())).await.unwrap();
    case(store).await;
}

fn required_postgres_url() -> String {
    postgres_url_from_env().unwrap_or_else(|| {
        panic!("COGNATE_TEST_POSTGRES_URL is not set: run with it, or skip these cases with `-- --skip postgres::`")
    })
}

async fn on_postgres<F, Fut>(case: F)
where
    F: FnOnce(SqlStore) -> Fut,
    Fut: Future<Output = ()>,
{
    let admin = required_postgres_url();
    let url = fresh_postgres_url(&admin).await.unwrap();
    let store = SqlStore::open(&url).await.unwrap();
    assert_eq!(store.backend(), store::Backend::Postgres);
    case(store).await;
}

macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod sqlite { $( #[tokio::test] async fn $name() { super::on_sqlite(super::$name).await } )* }
        mod postgres { $( #[tokio::test] async fn $name() { super::on_postgres(super::$name).await } )* }
    };
}

conformance!(
    operators_round_trip_and_emails_are_unique,
    pools_are_listed_newest_first_and_ids_are_unique,
    admin_keys_upsert_replaces_the_secret,
    throttles_swap_only_on_the_version_they_read_and_purge_stale_ones,
    sessions_expire_and_ids_are_unique,
    migrating_twice_is_a_no_op,
    pool_settings_round_trip_and_pages_follow_ids,
    clients_belong_to_pools_and_go_with_them,
    ping_answers,
);

fn operator(email: &str, at: i64) -> OperatorRecord {
    OperatorRecord {
        operator: Operator {
            id: OperatorId::generate(),
            email: Email::parse(email).unwrap(),
            role: OperatorRole::Administrator,
            created_at: Timestamp(at),
        },
        password_hash: PasswordHash::from_phc("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into()),
    }
}

async fn operators_round_trip_and_emails_are_unique(s: SqlStore) {
    assert_eq!(s.count_operators().await.unwrap(), 0);
    let a = operator("a@example.com", 1_000);
    s.insert_operator(&a).await.unwrap();
    assert_eq!(s.count_operators().await.unwrap(), 1);
    let found = s.find_operator_by_email(&a.operator.email).await.unwrap().unwrap();
    assert_eq!(found.operator, a.operator);
    assert_eq!(found.password_hash, a.password_hash);
    assert_eq!(s.find_operator(&a.operator.id).await.unwrap().unwrap().operator, a.operator);
    assert!(s.find_operator(&OperatorId::generate()).await.unwrap().is_none());
    let dup = operator("a@example.com", 2_000);
    assert!(matches!(s.insert_operator(&dup).await, Err(StoreError::Conflict(_))));
}

async fn pools_are_listed_newest_first_and_ids_are_unique(s: SqlStore) {
    let region = Region::parse("us-east-1").unwrap();
    let mk = |name: &str, at: i64| UserPool {
        id: UserPoolId::generate(&region),
        name: PoolName::parse(name).unwrap(),
        config: Default::default(),
        created_at: Timestamp(at),
        updated_at: Timestamp(at),
    };
    assert!(s.list_pools().await.unwrap().is_empty());
    let older = mk("Older", 1_000);
    let newer = mk("Newer", 2_000);
    s.insert_pool(&older).await.unwrap();
    s.insert_pool(&newer).await.unwrap();
    let names: Vec<_> = s.list_pools().await.unwrap().into_iter().map(|p| p.name.as_str().to_owned()).collect();
    assert_eq!(names, ["Newer", "Older"]);
    assert_eq!(s.find_pool(&older.id).await.unwrap(), Some(older.clone()));
    let clash = UserPool { name: PoolName::parse("Clash").unwrap(), ..older };
    assert!(matches!(s.insert_pool(&clash).await, Err(StoreError::Conflict(_))));
}

async fn admin_keys_upsert_replaces_the_secret(s: SqlStore) {
    let k = AdminKeyRecord {
        access_key_id: "AKIATESTKEY0000001".into(),
        sealed_secret: vec![1, 2, 3, 0, 255],
        active: true,
        created_at: Timestamp(5),
    };
    s.upsert_admin_key(&k).await.unwrap();
    let got = s.find_admin_key("AKIATESTKEY0000001").await.unwrap().unwrap();
    assert_eq!(got.sealed_secret, vec![1, 2, 3, 0, 255]);
    assert!(got.active);
    let k2 = AdminKeyRecord { sealed_secret: vec![9], active: false, ..k };
    s.upsert_admin_key(&k2).await.unwrap();
    let got = s.find_admin_key("AKIATESTKEY0000001").await.unwrap().unwrap();
    assert_eq!(got.sealed_secret, vec![9]);
    assert!(!got.active);
    assert!(s.find_admin_key("nope").await.unwrap().is_none());
}

async fn throttles_swap_only_on_the_version_they_read_and_purge_stale_ones(s: SqlStore) {
    let now = Timestamp(1);
    assert!(s.find_throttle("k").await.unwrap().is_none());
    let a = ThrottleState { failures: 1, last_failure_at: Timestamp(10), locked_until: None, version: 1 };
    assert!(s.swap_throttle("k", None, Some(&a), now).await.unwrap());
    // A second insert from the same empty read loses.
    assert!(!s.swap_throttle("k", None, Some(&a), now).await.unwrap());
    assert_eq!(s.find_throttle("k").await.unwrap(), Some(a.clone()));
    let b =
        ThrottleState { failures: 6, last_failure_at: Timestamp(20), locked_until: Some(Timestamp(2_020)), version: 2 };
    assert!(s.swap_throttle("k", Some(&a), Some(&b), now).await.unwrap());
    // A writer that read `a` is too late now.
    assert!(!s.swap_throttle("k", Some(&a), Some(&b), now).await.unwrap());
    assert!(!s.swap_throttle("k", Some(&a), None, now).await.unwrap());
    assert_eq!(s.find_throttle("k").await.unwrap(), Some(b.clone()));
    assert!(s.swap_throttle("k", Some(&b), None, now).await.unwrap());
    assert!(s.find_throttle("k").await.unwrap().is_none());
    assert!(s.swap_throttle("k", None, Some(&b), now).await.unwrap());
    s.clear_throttle("k").await.unwrap();
    assert!(s.find_throttle("k").await.unwrap().is_none());
    // Purge: only counters that are both old and unlocked go.
    let old = ThrottleState { failures: 2, last_failure_at: Timestamp(100), locked_until: None, version: 1 };
    let locked = ThrottleState {
        failures: 9,
        last_failure_at: Timestamp(100),
        locked_until: Some(Timestamp(5_000)),
        version: 1,
    };
    let fresh = ThrottleState { failures: 1, last_failure_at: Timestamp(900), locked_until: None, version: 1 };
    for (k, st) in [("old", &old), ("locked", &locked), ("fresh", &fresh)] {
        assert!(s.swap_throttle(k, None, Some(st), now).await.unwrap());
    }
    assert_eq!(s.purge_throttles(Timestamp(500), Timestamp(1_000)).await.unwrap(), 1);
    assert!(s.find_throttle("old").await.unwrap().is_none());
    assert!(s.find_throttle("locked").await.unwrap().is_some());
    assert!(s.find_throttle("fresh").await.unwrap().is_some());
}

async fn sessions_expire_and_ids_are_unique(s: SqlStore) {
    s.create_session("h1", b"one", Timestamp(1_000)).await.unwrap();
    assert!(matches!(s.create_session("h1", b"again", Timestamp(1_000)).await, Err(StoreError::Conflict(_))));
    assert_eq!(s.load_session("h1", Timestamp(999)).await.unwrap(), Some(b"one".to_vec()));
    assert_eq!(s.load_session("h1", Timestamp(1_000)).await.unwrap(), None);
    s.save_session("h1", b"two", Timestamp(5_000)).await.unwrap();
    assert_eq!(s.load_session("h1", Timestamp(1_000)).await.unwrap(), Some(b"two".to_vec()));
    // Sliding the expiry by less than a minute with the same data writes nothing...
    s.save_session("h1", b"two", Timestamp(35_000)).await.unwrap();
    assert_eq!(s.load_session("h1", Timestamp(5_000)).await.unwrap(), None);
    // ...by more, it does.
    s.save_session("h1", b"two", Timestamp(125_000)).await.unwrap();
    assert_eq!(s.load_session("h1", Timestamp(100_000)).await.unwrap(), Some(b"two".to_vec()));
    s.save_session("h2", b"x", Timestamp(100)).await.unwrap();
    assert_eq!(s.delete_expired_sessions(Timestamp(200)).await.unwrap(), 1);
    s.delete_session("h1").await.unwrap();
    assert_eq!(s.load_session("h1", Timestamp(0)).await.unwrap(), None);
}

async fn migrating_twice_is_a_no_op(s: SqlStore) {
    s.insert_operator(&operator("keep@example.com", 1)).await.unwrap();
    s.migrate().await.unwrap();
    s.migrate().await.unwrap();
    assert_eq!(s.count_operators().await.unwrap(), 1);
}

async fn ping_answers(s: SqlStore) {
    s.ping().await.unwrap();
}

#[test]
fn both_backends_have_the_same_migration_versions_and_names() {
    let (sqlite, postgres) = SqlStore::migration_versions();
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, postgres);
}

/// A migration that fails part-way leaves no trace: a table it would have created before
/// the failing statement does not exist afterwards, and opening reports the failure.
async fn failed_migration_changes_nothing(url: &str) {
    sqlx::any::install_default_drivers();
    let raw = sqlx::AnyPool::connect(url).await.unwrap();
    // `web_sessions` is the last table 0001 creates; an existing one makes it fail late.
    sqlx::query("create table web_sessions (unrelated bigint)").execute(&raw).await.unwrap();
    let err = SqlStore::open(url).await.unwrap_err().to_string();
    assert!(err.contains("migration failed"), "{err}");
    let operators_exists = sqlx::query("select 1 from operators").fetch_optional(&raw).await.is_ok();
    assert!(!operators_exists, "the failed migration's earlier statements were rolled back");
}

#[tokio::test]
async fn failed_migration_changes_nothing_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("{}?mode=rwc", fresh_sqlite_url(dir.path()));
    failed_migration_changes_nothing(&url).await;
}

mod migrations {
    mod postgres {
        #[tokio::test]
        async fn failed_migration_changes_nothing() {
            let admin = super::super::required_postgres_url();
            let url = super::super::fresh_postgres_url(&admin).await.unwrap();
            super::super::failed_migration_changes_nothing(&url).await;
        }
    }
}

fn pool(name: &str) -> UserPool {
    let region = Region::parse("us-east-1").unwrap();
    UserPool {
        id: UserPoolId::generate(&region),
        name: PoolName::parse(name).unwrap(),
        config: Default::default(),
        created_at: Timestamp(1),
        updated_at: Timestamp(1),
    }
}

async fn pool_settings_round_trip_and_pages_follow_ids(s: SqlStore) {
    let mut p = pool("Settings");
    p.config.password_policy.minimum_length = 12;
    p.config.deletion_protection = true;
    p.config.passthrough.insert("UserPoolTags".into(), serde_json::json!({"team": "id"}));
    s.insert_pool(&p).await.unwrap();
    assert_eq!(s.find_pool(&p.id).await.unwrap().unwrap().config, p.config);
    p.config.password_policy.minimum_length = 20;
    p.name = PoolName::parse("Renamed").unwrap();
    assert!(s.update_pool(&p).await.unwrap());
    let got = s.find_pool(&p.id).await.unwrap().unwrap();
    assert_eq!(got.config.password_policy.minimum_length, 20);
    assert_eq!(got.name.as_str(), "Renamed");
    for i in 0..4 {
        s.insert_pool(&pool(&format!("P{i}"))).await.unwrap();
    }
    let first = s.list_pools_after(None, 3).await.unwrap();
    assert_eq!(first.len(), 3);
    let rest = s.list_pools_after(Some(first[2].id.as_str()), 3).await.unwrap();
    assert_eq!(rest.len(), 2);
    assert!(rest.iter().all(|r| r.id.as_str() > first[2].id.as_str()));
    assert!(s.delete_pool(&p.id).await.unwrap());
    assert!(!s.delete_pool(&p.id).await.unwrap());
    assert!(!s.update_pool(&p).await.unwrap());
}

async fn clients_belong_to_pools_and_go_with_them(s: SqlStore) {
    use domain::client::{AppClient, ClientConfig, ClientId};
    let p = pool("Clients");
    s.insert_pool(&p).await.unwrap();
    let mk = |secret: Option<Vec<u8>>| AppClient {
        pool_id: p.id.clone(),
        id: ClientId::generate(),
        name: "web".into(),
        sealed_secret: secret,
        config: ClientConfig::default(),
        created_at: Timestamp(1),
        updated_at: Timestamp(1),
    };
    let a = mk(None);
    let mut b = mk(Some(vec![1, 2, 3]));
    s.insert_client(&a).await.unwrap();
    s.insert_client(&b).await.unwrap();
    let got = s.find_client(&b.id).await.unwrap().unwrap();
    assert_eq!(got.sealed_secret, Some(vec![1, 2, 3]));
    assert_eq!(got.config, ClientConfig::default());
    assert_eq!(s.find_client(&a.id).await.unwrap().unwrap().sealed_secret, None);
    b.config.prevent_user_existence_errors = false;
    b.name = "renamed".into();
    assert!(s.update_client(&b).await.unwrap());
    assert!(!s.find_client(&b.id).await.unwrap().unwrap().config.prevent_user_existence_errors);
    assert_eq!(s.list_clients_after(&p.id, None, 10).await.unwrap().len(), 2);
    assert!(s.delete_client(&a.id).await.unwrap());
    assert_eq!(s.list_clients_after(&p.id, None, 10).await.unwrap().len(), 1);
    assert!(s.delete_pool(&p.id).await.unwrap());
    assert!(s.find_client(&b.id).await.unwrap().is_none(), "clients are deleted with their pool");
}
