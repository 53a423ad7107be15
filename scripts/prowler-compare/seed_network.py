"""Seeds the network and parameter corpus (tests/data/corpus/network/) into moto for the Prowler
comparison (docs/comparison-prowler.md): one VPC; per security-group case a group named after the
case id with the case's ingress rules; per network-ACL case an ACL tagged Name=<case id> with the
case's entries (the implicit `*` rule 32767 is AWS's own and is not created); per parameter case a
DB parameter group of the case's family with its parameters, and a DB instance (an Aurora cluster
for an aurora family) using it, named after the case id."""
import boto3, json, glob, os, re
ep = os.environ["AWS_ENDPOINT_URL"]
kw = dict(endpoint_url=ep, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
ec2, rds = boto3.client("ec2", **kw), boto3.client("rds", **kw)
here = os.path.dirname(os.path.abspath(__file__))
corpus = os.path.join(here, "../../tests/data/corpus/network")
vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]

def perm(r):
    p = {"IpProtocol": r["protocol"]}
    if r.get("from_port") is not None:
        p["FromPort"], p["ToPort"] = r["from_port"], r["to_port"]
    p["IpRanges"] = [{"CidrIp": c} for c in r.get("ipv4_ranges", [])]
    p["Ipv6Ranges"] = [{"CidrIpv6": c} for c in r.get("ipv6_ranges", [])]
    return p

for f in sorted(glob.glob(os.path.join(corpus, "*.json"))):
    c = json.load(open(f))
    if c["kind"] == "security_group":
        g = ec2.create_security_group(GroupName=c["id"], Description=c["id"], VpcId=vpc)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=g, IpPermissions=[perm(r) for r in c["input"]["ingress"]])
    elif c["kind"] == "network_acl":
        acl = ec2.create_network_acl(VpcId=vpc, TagSpecifications=[{"ResourceType": "network-acl", "Tags": [{"Key": "Name", "Value": c["id"]}]}])["NetworkAcl"]["NetworkAclId"]
        for e in c["input"]["entries"]:
            if e["rule_number"] == 32767:
                continue
            a = dict(NetworkAclId=acl, RuleNumber=e["rule_number"], Protocol=e["protocol"], RuleAction=e["rule_action"], Egress=e["egress"])
            if e.get("cidr_block"):
                a["CidrBlock"] = e["cidr_block"]
            if e.get("ipv6_cidr_block"):
                a["Ipv6CidrBlock"] = e["ipv6_cidr_block"]
            if e.get("from_port") is not None:
                a["PortRange"] = {"From": e["from_port"], "To": e["to_port"]}
            ec2.create_network_acl_entry(**a)

for f in sorted(glob.glob(os.path.join(corpus, "params/*.json"))):
    c = json.load(open(f))
    fam, params, name = c["input"]["family"], c["input"]["parameters"], c["id"]
    version = re.sub(r"^[a-z-]+", "", fam)
    params_list = [{"ParameterName": k, "ParameterValue": v, "ApplyMethod": "pending-reboot"} for k, v in params.items()]
    if fam.startswith("aurora-"):
        rds.create_db_cluster_parameter_group(DBClusterParameterGroupName=name, DBParameterGroupFamily=fam, Description=name)
        if params_list:
            rds.modify_db_cluster_parameter_group(DBClusterParameterGroupName=name, Parameters=params_list)
        rds.create_db_cluster(DBClusterIdentifier=name, Engine="aurora-postgresql", EngineVersion=version + ".1",
                              MasterUsername="flowforge", MasterUserPassword="corpus-password-1",
                              DBClusterParameterGroupName=name)
    else:
        rds.create_db_parameter_group(DBParameterGroupName=name, DBParameterGroupFamily=fam, Description=name)
        if params_list:
            rds.modify_db_parameter_group(DBParameterGroupName=name, Parameters=params_list)
        rds.create_db_instance(DBInstanceIdentifier=name, DBInstanceClass="db.t3.micro", Engine="postgres",
                               EngineVersion=version if "." in version else version + ".1", AllocatedStorage=20,
                               MasterUsername="flowforge", MasterUserPassword="corpus-password-1",
                               DBParameterGroupName=name)
print("seeded network corpus")
