#![no_main]

use gradient_oracle_fuzz::{SoftmaxCase, softmax_case};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|case: SoftmaxCase| softmax_case(&case));
