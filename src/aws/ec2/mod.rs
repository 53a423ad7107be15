//! EC2 and VPC, per region: the network (VPCs, subnets, route tables, internet and NAT
//! gateways, security groups, network ACLs, VPC endpoints, flow logs), the instances, and the account's EBS
//! encryption-by-default setting.

use crate::model::PolicyDocument;

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

super::resource!(
    pub struct Vpc {
        pub cidr_block: String,
        #[serde(default)]
        pub ipv6_cidr_blocks: Vec<String>,
        #[serde(default)]
        pub is_default: bool,
        #[serde(default)]
        pub state: String,
    }
);

super::resource!(
    pub struct Subnet {
        pub vpc_id: String,
        pub availability_zone: String,
        pub cidr_block: String,
        #[serde(default)]
        pub map_public_ip_on_launch: bool,
    }
);

super::resource!(
    pub struct RouteTable {
        pub vpc_id: String,
        /// True for the VPC's main route table (used by subnets without an explicit association).
        #[serde(default)]
        pub main: bool,
        /// Subnets explicitly associated with this table.
        #[serde(default)]
        pub subnet_ids: Vec<String>,
        #[serde(default)]
        pub routes: Vec<Route>,
    }
);

super::record!(
    pub struct Route {
        #[serde(default)]
        pub destination_cidr_block: Option<String>,
        #[serde(default)]
        pub destination_ipv6_cidr_block: Option<String>,
        #[serde(default)]
        pub destination_prefix_list_id: Option<String>,
        /// `igw-...`, `local`, `vpce-...` (gateway endpoints) or null.
        #[serde(default)]
        pub gateway_id: Option<String>,
        #[serde(default)]
        pub nat_gateway_id: Option<String>,
        #[serde(default)]
        pub transit_gateway_id: Option<String>,
        #[serde(default)]
        pub vpc_peering_connection_id: Option<String>,
        #[serde(default)]
        pub state: Option<String>,
    }
);

super::resource!(
    pub struct InternetGateway {
        #[serde(default)]
        pub attached_vpc_ids: Vec<String>,
    }
);

super::resource!(
    pub struct NatGateway {
        pub vpc_id: String,
        pub subnet_id: String,
        /// AZ of the NAT gateway's subnet (resolved by the collector).
        #[serde(default)]
        pub availability_zone: Option<String>,
        pub state: String,
        /// `public` or `private`.
        #[serde(default)]
        pub connectivity_type: String,
    }
);

super::resource!(
    pub struct SecurityGroup {
        pub group_name: String,
        pub vpc_id: String,
        #[serde(default)]
        pub description: String,
        #[serde(default)]
        pub ingress: Vec<SgRule>,
        #[serde(default)]
        pub egress: Vec<SgRule>,
    }
);

super::record!(
    /// One IpPermission: a protocol and port range and every source it admits.
    pub struct SgRule {
        /// `tcp`, `udp`, `icmp`, `icmpv6` or `-1` (all).
        pub protocol: String,
        /// Null when the protocol is `-1` (all ports).
        #[serde(default)]
        pub from_port: Option<i32>,
        #[serde(default)]
        pub to_port: Option<i32>,
        #[serde(default)]
        pub ipv4_ranges: Vec<String>,
        #[serde(default)]
        pub ipv6_ranges: Vec<String>,
        /// Security groups referenced as source (ingress) or destination (egress).
        #[serde(default)]
        pub referenced_group_ids: Vec<String>,
        #[serde(default)]
        pub prefix_list_ids: Vec<String>,
        #[serde(default)]
        pub description: Option<String>,
    }
);

super::resource!(
    /// A network ACL: stateless subnet-level filtering, evaluated by rule number (lowest
    /// first); the first rule that matches a packet decides, and the final `*` rule (rule number
    /// 32767 in DescribeNetworkAcls) denies what no rule matched.
    pub struct NetworkAcl {
        pub vpc_id: String,
        /// The VPC's default ACL (used by subnets without an explicit association).
        #[serde(default)]
        pub is_default: bool,
        /// Subnets associated with this ACL.
        #[serde(default)]
        pub subnet_ids: Vec<String>,
        #[serde(default)]
        pub entries: Vec<NaclEntry>,
    }
);

super::record!(
    /// One NACL rule.
    pub struct NaclEntry {
        pub rule_number: i32,
        /// True for an outbound rule.
        #[serde(default)]
        pub egress: bool,
        /// IANA protocol number as a string (`6` TCP, `17` UDP, `1` ICMP, `58` ICMPv6) or `-1` (all).
        pub protocol: String,
        /// `allow` or `deny`.
        pub rule_action: String,
        #[serde(default)]
        pub cidr_block: Option<String>,
        #[serde(default)]
        pub ipv6_cidr_block: Option<String>,
        /// Null for protocols without ports (and `-1`: every port).
        #[serde(default)]
        pub from_port: Option<i32>,
        #[serde(default)]
        pub to_port: Option<i32>,
    }
);

super::resource!(
    pub struct VpcEndpoint {
        pub vpc_id: String,
        /// e.g. `com.amazonaws.us-east-1.s3`.
        pub service_name: String,
        /// `Gateway`, `Interface` or `GatewayLoadBalancer`.
        pub endpoint_type: String,
        #[serde(default)]
        pub private_dns_enabled: bool,
        #[serde(default)]
        pub state: String,
        #[serde(default)]
        pub subnet_ids: Vec<String>,
        #[serde(default)]
        pub route_table_ids: Vec<String>,
        #[serde(default)]
        pub security_group_ids: Vec<String>,
        #[serde(default)]
        pub policy: Option<PolicyDocument>,
    }
);

super::resource!(
    pub struct FlowLog {
        /// The VPC, subnet or ENI the flow log watches.
        pub resource_id: String,
        /// `ACCEPT`, `REJECT` or `ALL`.
        pub traffic_type: String,
        #[serde(default)]
        pub log_destination_type: String,
        #[serde(default)]
        pub log_destination: Option<String>,
        /// `ACTIVE` when delivering.
        #[serde(default)]
        pub status: String,
    }
);

super::resource!(
    pub struct Instance {
        #[serde(default)]
        pub vpc_id: Option<String>,
        #[serde(default)]
        pub subnet_id: Option<String>,
        #[serde(default)]
        pub state: String,
        #[serde(default)]
        pub instance_type: String,
        #[serde(default)]
        pub iam_instance_profile_arn: Option<String>,
        #[serde(default)]
        pub public_ip_address: Option<String>,
        #[serde(default)]
        pub security_group_ids: Vec<String>,
        #[serde(default)]
        pub metadata_options: InstanceMetadataOptions,
    }
);

super::record!(
    pub struct InstanceMetadataOptions {
        /// `required` (IMDSv2 only) or `optional`.
        #[serde(default)]
        pub http_tokens: String,
        /// `enabled` or `disabled`.
        #[serde(default)]
        pub http_endpoint: String,
        #[serde(default)]
        pub http_put_response_hop_limit: Option<i32>,
    }
);

super::resource!(
    /// The per-region EBS encryption-by-default setting
    /// (synthetic ARN `arn:<partition>:ec2:<region>:<account>:ebs-encryption-by-default`).
    pub struct EbsDefaultEncryption {
        pub enabled: bool,
        #[serde(default)]
        pub kms_key_id: Option<String>,
    }
);

super::service! {
    /// EC2 and VPC collections.
    part: Ec2 = "ec2",
    prefix: "ec2",
    scope: Regional,
    // Without a page size EC2 answers a Describe* call with everything at once, which is how
    // the collector asks: one call per listing and region.
    operations: [
        "ec2" describe_vpcs "DescribeVpcs" "DescribeVpcs" "ec2:DescribeVpcs" => once;
        "ec2" describe_subnets "DescribeSubnets" "DescribeSubnets" "ec2:DescribeSubnets" => once;
        "ec2" describe_route_tables "DescribeRouteTables" "DescribeRouteTables" "ec2:DescribeRouteTables" => once;
        "ec2" describe_internet_gateways "DescribeInternetGateways" "DescribeInternetGateways" "ec2:DescribeInternetGateways" => once;
        "ec2" describe_nat_gateways "DescribeNatGateways" "DescribeNatGateways" "ec2:DescribeNatGateways" => once;
        "ec2" describe_security_groups "DescribeSecurityGroups" "DescribeSecurityGroups" "ec2:DescribeSecurityGroups" => once;
        "ec2" describe_network_acls "DescribeNetworkAcls" "DescribeNetworkAcls" "ec2:DescribeNetworkAcls" => once;
        "ec2" describe_vpc_endpoints "DescribeVpcEndpoints" "DescribeVpcEndpoints" "ec2:DescribeVpcEndpoints" => once;
        "ec2" describe_flow_logs "DescribeFlowLogs" "DescribeFlowLogs" "ec2:DescribeFlowLogs" => once;
        "ec2" describe_instances "DescribeInstances" "DescribeInstances" "ec2:DescribeInstances" => once;
        "ec2" get_ebs_encryption_by_default "GetEbsEncryptionByDefault" "GetEbsEncryptionByDefault" "ec2:GetEbsEncryptionByDefault" => once;
        "ec2" get_ebs_default_kms_key_id "GetEbsDefaultKmsKeyId" "GetEbsDefaultKmsKeyId" "ec2:GetEbsDefaultKmsKeyId" => once;
    ],
    collections: [
        vpcs: Vpc
            list ["DescribeVpcs"] detail []
            cfn "AWS::EC2::VPC" asff "AwsEc2Vpc"
            terraform ["aws_vpc"]
            diff arn;
        subnets: Subnet
            list ["DescribeSubnets"] detail []
            cfn "AWS::EC2::Subnet" asff "AwsEc2Subnet"
            terraform ["aws_subnet"]
            diff arn;
        route_tables: RouteTable
            list ["DescribeRouteTables"] detail []
            cfn "AWS::EC2::RouteTable" asff "AwsEc2RouteTable"
            terraform []
            diff arn;
        internet_gateways: InternetGateway
            list ["DescribeInternetGateways"] detail []
            cfn "AWS::EC2::InternetGateway" asff "Other"
            terraform []
            diff arn;
        nat_gateways: NatGateway
            list ["DescribeNatGateways"] detail []
            cfn "AWS::EC2::NatGateway" asff "Other"
            terraform []
            diff arn;
        security_groups: SecurityGroup
            list ["DescribeSecurityGroups"] detail []
            cfn "AWS::EC2::SecurityGroup" asff "AwsEc2SecurityGroup"
            terraform ["aws_security_group"]
                folds ["aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"]
            diff arn;
        /// Network ACLs with their subnet associations.
        network_acls: NetworkAcl
            list ["DescribeNetworkAcls"] detail []
            cfn "AWS::EC2::NetworkAcl" asff "AwsEc2NetworkAcl"
            terraform ["aws_network_acl"]
            diff arn;
        vpc_endpoints: VpcEndpoint
            list ["DescribeVpcEndpoints"] detail []
            cfn "AWS::EC2::VPCEndpoint" asff "Other"
            terraform ["aws_vpc_endpoint"]
            diff arn;
        flow_logs: FlowLog
            list ["DescribeFlowLogs"] detail []
            cfn "AWS::EC2::FlowLog" asff "Other"
            terraform []
            diff arn;
        instances: Instance
            list ["DescribeInstances"] detail []
            cfn "AWS::EC2::Instance" asff "AwsEc2Instance"
            terraform []
            diff arn;
        /// One entry per region: the account's EBS encryption-by-default setting.
        ebs_encryption_by_default: EbsDefaultEncryption
            list ["GetEbsEncryptionByDefault", "GetEbsDefaultKmsKeyId"] detail []
            cfn "AWS::::Account" asff "AwsAccount"
            terraform []
            diff arn;
    ],
}
