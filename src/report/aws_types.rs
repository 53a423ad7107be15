//! AWS's own names for the resource a check judges, by the check's snapshot collection: the
//! CloudFormation type (`AWS::S3::Bucket`, used in OCSF `resources[].type`) and the ASFF
//! resource type (`AwsS3Bucket`, Security Hub's `Resources[].Type`). One table for both
//! formats; a collection not in it is `Other` in ASFF and its own name in OCSF.

/// `(collection, CloudFormation type, ASFF type)`.
const TYPES: &[(&str, &str, &str)] = &[
    ("acm.certificates", "AWS::CertificateManager::Certificate", "AwsCertificateManagerCertificate"),
    ("apprunner.services", "AWS::AppRunner::Service", "Other"),
    ("cloudtrail.trails", "AWS::CloudTrail::Trail", "AwsCloudTrailTrail"),
    ("cloudwatch.alarms", "AWS::CloudWatch::Alarm", "AwsCloudWatchAlarm"),
    ("config.recorders", "AWS::Config::ConfigurationRecorder", "Other"),
    ("ec2.ebs_encryption_by_default", "AWS::::Account", "AwsAccount"),
    ("ec2.flow_logs", "AWS::EC2::FlowLog", "Other"),
    ("ec2.instances", "AWS::EC2::Instance", "AwsEc2Instance"),
    ("ec2.internet_gateways", "AWS::EC2::InternetGateway", "Other"),
    ("ec2.nat_gateways", "AWS::EC2::NatGateway", "Other"),
    ("ec2.network_acls", "AWS::EC2::NetworkAcl", "AwsEc2NetworkAcl"),
    ("ec2.route_tables", "AWS::EC2::RouteTable", "AwsEc2RouteTable"),
    ("ec2.security_groups", "AWS::EC2::SecurityGroup", "AwsEc2SecurityGroup"),
    ("ec2.subnets", "AWS::EC2::Subnet", "AwsEc2Subnet"),
    ("ec2.vpc_endpoints", "AWS::EC2::VPCEndpoint", "Other"),
    ("ec2.vpcs", "AWS::EC2::VPC", "AwsEc2Vpc"),
    ("ecr.repositories", "AWS::ECR::Repository", "AwsEcrRepository"),
    ("ecs.services", "AWS::ECS::Service", "AwsEcsService"),
    ("ecs.task_definitions", "AWS::ECS::TaskDefinition", "AwsEcsTaskDefinition"),
    ("eks.clusters", "AWS::EKS::Cluster", "AwsEksCluster"),
    ("eks.node_groups", "AWS::EKS::Nodegroup", "Other"),
    ("elbv2.listeners", "AWS::ElasticLoadBalancingV2::Listener", "Other"),
    ("elbv2.load_balancers", "AWS::ElasticLoadBalancingV2::LoadBalancer", "AwsElbv2LoadBalancer"),
    ("iam.groups", "AWS::IAM::Group", "AwsIamGroup"),
    ("iam.policies", "AWS::IAM::ManagedPolicy", "AwsIamPolicy"),
    ("iam.roles", "AWS::IAM::Role", "AwsIamRole"),
    ("iam.users", "AWS::IAM::User", "AwsIamUser"),
    ("kms.keys", "AWS::KMS::Key", "AwsKmsKey"),
    ("logs.log_groups", "AWS::Logs::LogGroup", "Other"),
    ("rds.db_clusters", "AWS::RDS::DBCluster", "AwsRdsDbCluster"),
    ("rds.db_instances", "AWS::RDS::DBInstance", "AwsRdsDbInstance"),
    ("rds.db_snapshots", "AWS::RDS::DBSnapshot", "AwsRdsDbSnapshot"),
    ("s3.account_public_access_block", "AWS::::Account", "AwsAccount"),
    ("s3.buckets", "AWS::S3::Bucket", "AwsS3Bucket"),
    ("secretsmanager.secrets", "AWS::SecretsManager::Secret", "AwsSecretsManagerSecret"),
    ("sns.topics", "AWS::SNS::Topic", "AwsSnsTopic"),
    ("ssm.parameters", "AWS::SSM::Parameter", "Other"),
    ("wafv2.associations", "AWS::WAFv2::WebACLAssociation", "Other"),
    ("wafv2.web_acls", "AWS::WAFv2::WebACL", "AwsWafv2WebAcl"),
];

fn find(collection: &str) -> Option<&'static (&'static str, &'static str, &'static str)> {
    TYPES.iter().find(|(c, _, _)| *c == collection)
}

/// The CloudFormation resource type of a collection's resources (the collection when unknown).
pub fn cloudformation(collection: &str) -> String {
    find(collection).map(|t| t.1.to_owned()).unwrap_or_else(|| collection.to_owned())
}

/// The ASFF resource type of a collection's resources (`Other` when ASFF has none).
pub fn asff(collection: &str) -> &'static str {
    find(collection).map(|t| t.2).unwrap_or("Other")
}

#[cfg(test)]
mod tests {
    /// Every collection a built-in check judges has AWS's type names, so no report falls back
    /// to an internal collection name.
    #[test]
    fn every_checked_collection_has_aws_type_names() {
        let catalog = crate::policy::Catalog::builtin().unwrap();
        for check in catalog.checks() {
            let c = &check.meta.collection;
            assert!(
                super::find(c).is_some(),
                "{}: collection {c} has no AWS type names in report::aws_types",
                check.meta.id
            );
        }
    }
}
