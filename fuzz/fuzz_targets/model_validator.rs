//! The Cognito JSON body validator (`server/aws-models`): any operation, any JSON.
#![no_main]
use cognate_server::cognito::model::model;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else { return };
    let m = model();
    let names: Vec<&str> = m.operation_names().collect();
    let Some(op) = m.operation(names[usize::from(pick) % names.len()]) else { return };
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) {
        let _ = m.validate(op, &v);
    }
});
