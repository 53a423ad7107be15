//! The only module that imports aws_sdk_*: one file per service, returns model types.
