#![no_main]

use gradient_oracle_fuzz::{ObjectiveCase, objective_case};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|case: ObjectiveCase| objective_case(&case));
