//! Lambda, per region: the functions and the execution role each runs as. The
//! privilege-escalation graph reads them: `lambda:UpdateFunctionCode` on a function makes its
//! role's permissions the caller's (`iam_eval::inventory`). Only `ListFunctions` is called:
//! never a function's code, environment values or invocation.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::ResourceMeta;

#[cfg(feature = "aws")]
mod api;
#[cfg(feature = "aws")]
mod collect;

#[cfg(feature = "aws")]
use super::{s, CallError, Ctx};
#[cfg(feature = "aws")]
pub use api::LambdaApi;
#[cfg(feature = "aws")]
pub(crate) use collect::collect;

/// One function (its unqualified ARN, `$LATEST`'s configuration). `id` and `name` are the
/// function name. Tags are not collected (ListFunctions does not return them).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct LambdaFunction {
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// The execution role's ARN; null when ListFunctions did not report it.
    #[serde(default)]
    pub role: Option<String>,
    /// `python3.12`, `nodejs20.x`, ...; null for a container image function.
    #[serde(default)]
    pub runtime: Option<String>,
    /// `Zip` or `Image`.
    #[serde(default)]
    pub package_type: Option<String>,
    #[serde(default)]
    pub last_modified: Option<String>,
}

super::service! {
    /// The `lambda` member of the snapshot.
    part: Lambda = "lambda",
    prefix: "lambda",
    scope: Regional,
    operations: [
        "lambda" list_functions "ListFunctions" "ListFunctions" "lambda:ListFunctions" => pages(FUNCTIONS_PAGE, functions);
    ],
    collections: [
        functions: LambdaFunction
            list ["ListFunctions"] detail []
            cfn "AWS::Lambda::Function" asff "AwsLambdaFunction"
            terraform ["aws_lambda_function"]
            diff arn;
    ],
}

/// Functions per ListFunctions page (the API's default and largest).
pub(crate) const FUNCTIONS_PAGE: i32 = 50;
