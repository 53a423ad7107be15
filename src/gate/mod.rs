//! Thresholds, waivers and the exit decision.
