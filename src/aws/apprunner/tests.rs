//! The App Runner collector against recorded App Runner answers (moto has no App Runner):
//! the SDK parses the replayed JSON exactly as it would AWS's, so these tests pin the mapping
//! from the API's shapes to the snapshot and the fail-closed paths. The responses are written
//! from the App Runner API reference (ListServices, DescribeService).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::Credentials;
use aws_smithy_runtime_api::client::http::{http_client_fn, HttpConnector, HttpConnectorFuture, SharedHttpConnector};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use aws_types::region::Region;

use super::collect::{api_from, collect_with};
use crate::aws::{Ctx, Errors};

const ARN: &str = "arn:aws:apprunner:us-east-1:123456789012:service/flowforge-prod-ui/8fe1e10304f84fd2b0df550fe98a71fa";

const LIST: &str = r#"{"ServiceSummaryList":[{"ServiceName":"flowforge-prod-ui","ServiceId":"8fe1e10304f84fd2b0df550fe98a71fa","ServiceArn":"arn:aws:apprunner:us-east-1:123456789012:service/flowforge-prod-ui/8fe1e10304f84fd2b0df550fe98a71fa","ServiceUrl":"psbqam834h.us-east-1.awsapprunner.com","CreatedAt":1.7305E9,"UpdatedAt":1.7305E9,"Status":"RUNNING"}]}"#;

const DESCRIBE: &str = r#"{"Service":{"ServiceName":"flowforge-prod-ui","ServiceId":"8fe1e10304f84fd2b0df550fe98a71fa","ServiceArn":"arn:aws:apprunner:us-east-1:123456789012:service/flowforge-prod-ui/8fe1e10304f84fd2b0df550fe98a71fa","ServiceUrl":"psbqam834h.us-east-1.awsapprunner.com","CreatedAt":1.7305E9,"UpdatedAt":1.7305E9,"Status":"RUNNING","SourceConfiguration":{"ImageRepository":{"ImageIdentifier":"123456789012.dkr.ecr.us-east-1.amazonaws.com/flowforge-prod-ui@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","ImageConfiguration":{"Port":"3000","RuntimeEnvironmentVariables":{"NODE_ENV":"production","DATABASE_URL":"postgresql://flowforge:hunter2@db.internal:5432/prefect"},"RuntimeEnvironmentSecrets":{"PREFECT_API_KEY":"arn:aws:secretsmanager:us-east-1:123456789012:secret:flowforge/prod/prefect-api-AbCdEf"}},"ImageRepositoryType":"ECR"},"AutoDeploymentsEnabled":false,"AuthenticationConfiguration":{"AccessRoleArn":"arn:aws:iam::123456789012:role/service-role/AppRunnerECRAccessRole"}},"InstanceConfiguration":{"Cpu":"1024","Memory":"2048","InstanceRoleArn":"arn:aws:iam::123456789012:role/flowforge-prod-control-plane"},"AutoScalingConfigurationSummary":{"AutoScalingConfigurationArn":"arn:aws:apprunner:us-east-1:123456789012:autoscalingconfiguration/DefaultConfiguration/1/00000000000000000000000000000001","AutoScalingConfigurationName":"DefaultConfiguration","AutoScalingConfigurationRevision":1},"NetworkConfiguration":{"EgressConfiguration":{"EgressType":"VPC","VpcConnectorArn":"arn:aws:apprunner:us-east-1:123456789012:vpcconnector/flowforge-prod-connector/1/3f2a9c"},"IngressConfiguration":{"IsPubliclyAccessible":true}}},"OperationId":"17fe9f55-7e91-4097-b243-fcabbb69a4cf"}"#;

const DENIED: &str =
    r#"{"__type":"AccessDeniedException","message":"User is not authorized to perform: apprunner:DescribeService"}"#;

/// Answers each App Runner operation (by its `X-Amz-Target`) with a recorded status and body,
/// and remembers the operations called.
#[derive(Debug, Clone, Default)]
struct Recorded {
    answers: BTreeMap<&'static str, (u16, &'static str)>,
    calls: Arc<Mutex<Vec<String>>>,
}

impl HttpConnector for Recorded {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let target = request.headers().get("x-amz-target").unwrap_or_default().to_owned();
        let op = target.rsplit('.').next().unwrap_or_default().to_owned();
        if let Ok(mut calls) = self.calls.lock() {
            calls.push(op.clone());
        }
        let (status, body) = self.answers.get(op.as_str()).copied().unwrap_or((500, "{}"));
        let mut response = HttpResponse::new(
            StatusCode::try_from(status).unwrap_or_else(|_| StatusCode::try_from(500).expect("500")),
            SdkBody::from(body),
        );
        response.headers_mut().insert("content-type", "application/x-amz-json-1.0");
        HttpConnectorFuture::ready(Ok(response))
    }
}

async fn run(
    answers: &[(&'static str, u16, &'static str)],
) -> (super::Part, Vec<crate::model::CollectionError>, Vec<String>) {
    let recorded = Recorded {
        answers: answers.iter().map(|(op, status, body)| (*op, (*status, *body))).collect(),
        ..Default::default()
    };
    let calls = recorded.calls.clone();
    let connector = SharedHttpConnector::new(recorded);
    let conf = aws_types::SdkConfig::builder()
        .region(Region::new("us-east-1"))
        .behavior_version(aws_config::BehaviorVersion::latest())
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "AKIDRECORDED",
            "recorded",
            None,
            None,
            "recorded",
        )))
        .http_client(http_client_fn(move |_, _| connector.clone()))
        .retry_config(aws_config::retry::RetryConfig::disabled())
        .build();
    let ctx = Ctx { region: "us-east-1".into(), account_id: "123456789012".into(), partition: "aws".into() };
    let api = api_from(&conf, None, ctx);
    let errs = Errors::default();
    let part = collect_with(&api, "us-east-1", 4, &errs).await;
    let calls = calls.lock().map(|c| c.clone()).unwrap_or_default();
    (part, errs.take(), calls)
}

/// A recorded service maps to the snapshot: role, VPC egress, ECR image, secrets by reference,
/// and variable names without their values (the password in DATABASE_URL never leaves).
#[tokio::test]
async fn recorded_service_maps_to_snapshot() {
    let (part, errors, calls) = run(&[("ListServices", 200, LIST), ("DescribeService", 200, DESCRIBE)]).await;
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(calls, ["ListServices", "DescribeService"], "one list, one describe per service");
    let [s] = part.services.as_slice() else { panic!("one service: {:?}", part.services) };
    assert_eq!(s.meta.arn, ARN);
    assert_eq!(s.meta.name, "flowforge-prod-ui");
    assert_eq!(s.status, "RUNNING");
    assert_eq!(s.instance_role_arn.as_deref(), Some("arn:aws:iam::123456789012:role/flowforge-prod-control-plane"));
    assert_eq!(s.egress_type.as_deref(), Some("VPC"));
    assert!(s.vpc_connector_arn.as_deref().is_some_and(|a| a.contains(":vpcconnector/")));
    assert_eq!(s.image_repository_type.as_deref(), Some("ECR"));
    assert!(s.image_identifier.as_deref().is_some_and(|i| i.contains("@sha256:")));
    let env: Vec<(&str, Option<&str>)> =
        s.environment.iter().map(|e| (e.name.as_str(), e.value_kind.as_deref())).collect();
    assert_eq!(env, [("DATABASE_URL", Some("connection-string-with-password")), ("NODE_ENV", None)]);
    assert_eq!(s.secrets.len(), 1);
    assert_eq!(s.secrets[0].name, "PREFECT_API_KEY");
    let json = serde_json::to_string(&part).expect("json");
    assert!(!json.contains("hunter2") && !json.contains("production"), "values never enter the snapshot: {json}");
}

/// A denied DescribeService is recorded against the service and the service is left out
/// (its checks are UNKNOWN, never PASS on an empty description).
#[tokio::test]
async fn denied_describe_is_a_collection_error_on_the_service() {
    let (part, errors, _) = run(&[("ListServices", 200, LIST), ("DescribeService", 400, DENIED)]).await;
    assert!(part.services.is_empty());
    let [e] = errors.as_slice() else { panic!("one error: {errors:?}") };
    assert_eq!((e.service.as_str(), e.operation.as_str()), ("apprunner", "DescribeService"));
    assert_eq!(e.resource.as_deref(), Some(ARN));
    assert_eq!(e.error_code, "AccessDeniedException");
}

/// A denied ListServices is a region-level error: the whole collection is UNKNOWN.
#[tokio::test]
async fn denied_list_is_a_region_error() {
    let (part, errors, calls) = run(&[("ListServices", 400, DENIED)]).await;
    assert!(part.services.is_empty());
    assert_eq!(calls, ["ListServices"]);
    let [e] = errors.as_slice() else { panic!("one error: {errors:?}") };
    assert_eq!((e.operation.as_str(), e.resource.as_deref()), ("ListServices", None));
}
