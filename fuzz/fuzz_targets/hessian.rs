#![no_main]

use gradient_oracle_fuzz::{HessianCase, hessian_case};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|case: HessianCase| hessian_case(&case));
