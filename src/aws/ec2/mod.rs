//! EC2 and VPC, per region: the network (VPCs, subnets, route tables, internet and NAT
//! gateways, security groups, network ACLs, VPC endpoints, flow logs), the instances, and the account's EBS
//! encryption-by-default setting.

#[cfg(feature = "aws")]
mod api;
#[cfg(feature = "aws")]
mod collect;

#[cfg(feature = "aws")]
use super::{error, policy, s, CallError, Ctx};
#[cfg(feature = "aws")]
pub use api::Ec2Api;
#[cfg(feature = "aws")]
pub(crate) use collect::collect;

super::service! {
    part: crate::model::Ec2 = "ec2",
    prefix: "ec2",
    scope: Regional,
    operations: [
        "ec2" describe_vpcs "DescribeVpcs" "DescribeVpcs" "ec2:DescribeVpcs";
        "ec2" describe_subnets "DescribeSubnets" "DescribeSubnets" "ec2:DescribeSubnets";
        "ec2" describe_route_tables "DescribeRouteTables" "DescribeRouteTables" "ec2:DescribeRouteTables";
        "ec2" describe_internet_gateways "DescribeInternetGateways" "DescribeInternetGateways" "ec2:DescribeInternetGateways";
        "ec2" describe_nat_gateways "DescribeNatGateways" "DescribeNatGateways" "ec2:DescribeNatGateways";
        "ec2" describe_security_groups "DescribeSecurityGroups" "DescribeSecurityGroups" "ec2:DescribeSecurityGroups";
        "ec2" describe_network_acls "DescribeNetworkAcls" "DescribeNetworkAcls" "ec2:DescribeNetworkAcls";
        "ec2" describe_vpc_endpoints "DescribeVpcEndpoints" "DescribeVpcEndpoints" "ec2:DescribeVpcEndpoints";
        "ec2" describe_flow_logs "DescribeFlowLogs" "DescribeFlowLogs" "ec2:DescribeFlowLogs";
        "ec2" describe_instances "DescribeInstances" "DescribeInstances" "ec2:DescribeInstances";
        "ec2" get_ebs_encryption_by_default "GetEbsEncryptionByDefault" "GetEbsEncryptionByDefault" "ec2:GetEbsEncryptionByDefault";
        "ec2" get_ebs_default_kms_key_id "GetEbsDefaultKmsKeyId" "GetEbsDefaultKmsKeyId" "ec2:GetEbsDefaultKmsKeyId";
    ],
    collections: [
        vpcs: list ["DescribeVpcs"] detail [];
        subnets: list ["DescribeSubnets"] detail [];
        route_tables: list ["DescribeRouteTables"] detail [];
        internet_gateways: list ["DescribeInternetGateways"] detail [];
        nat_gateways: list ["DescribeNatGateways"] detail [];
        security_groups: list ["DescribeSecurityGroups"] detail [];
        network_acls: list ["DescribeNetworkAcls"] detail [];
        vpc_endpoints: list ["DescribeVpcEndpoints"] detail [];
        flow_logs: list ["DescribeFlowLogs"] detail [];
        instances: list ["DescribeInstances"] detail [];
        ebs_encryption_by_default: list ["GetEbsEncryptionByDefault", "GetEbsDefaultKmsKeyId"] detail [];
    ],
}
