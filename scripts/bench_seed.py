"""Seeds the moto emulator for scripts/bench-scan.sh: N buckets (KMS-encrypted, tagged, with a
noncurrent-version lifecycle rule), N IAM roles (each with an inline policy), N security groups
(each with an ingress rule); of the perimeter kinds N WAF web ACLs (one managed rule group each),
N ACM certificates (requested, so PENDING_VALIDATION in moto), N CloudWatch alarms, N SNS topics
(each with one subscription) and N CloudWatch Logs groups (retention and KMS key); N SSM
parameters (half SecureString), N KMS keys (rotation on, an alias each), one DB instance with N
manual snapshots (at most 100: the default AWS quota of manual DB snapshots per region, which
moto enforces), and 5 multi-region trails (AWS allows 5 per region).

Runs with the moto virtualenv's Python (boto3 comes with moto). Talks to the endpoint given
on the command line only (loopback).
"""

import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config

endpoint, count = sys.argv[1], int(sys.argv[2])
# moto seeds the account the keys belong to: scripts/bench-org.sh passes a member account's
# assumed-role keys.
session = boto3.session.Session(
    aws_access_key_id=os.environ.get("BENCH_ACCESS_KEY_ID", "testing"),
    aws_secret_access_key=os.environ.get("BENCH_SECRET_ACCESS_KEY", "testing"),
    region_name="us-east-1",
)
# moto answers a few concurrent IAM writes with HTTP 500 (a race in the emulator): retried, as
# AWS's own standard retry mode does.
RETRY = Config(retries={"mode": "standard", "max_attempts": 6})
s3 = session.client("s3", endpoint_url=endpoint, config=RETRY)
iam = session.client("iam", endpoint_url=endpoint, config=RETRY)
ec2 = session.client("ec2", endpoint_url=endpoint, config=RETRY)
waf = session.client("wafv2", endpoint_url=endpoint, config=RETRY)
acm = session.client("acm", endpoint_url=endpoint, config=RETRY)
cw = session.client("cloudwatch", endpoint_url=endpoint, config=RETRY)
sns = session.client("sns", endpoint_url=endpoint, config=RETRY)
logs = session.client("logs", endpoint_url=endpoint, config=RETRY)
KMS = "arn:aws:kms:us-east-1:123456789012:key/0f10f0f0-e350-4000-8000-00000000bench"
ssm = session.client("ssm", endpoint_url=endpoint, config=RETRY)
kms = session.client("kms", endpoint_url=endpoint, config=RETRY)
rds = session.client("rds", endpoint_url=endpoint, config=RETRY)
cloudtrail = session.client("cloudtrail", endpoint_url=endpoint, config=RETRY)

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ec2.amazonaws.com"}}]})
POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::bench-*/*"}]})


def bucket(i):
    name = f"bench-bucket-{i:05d}"
    s3.create_bucket(Bucket=name)
    s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/bench"}}]})
    s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "bench", "Value": str(i)}]})
    s3.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration={"Rules": [
        {"ID": "noncurrent", "Status": "Enabled", "Filter": {"Prefix": ""},
         "NoncurrentVersionExpiration": {"NoncurrentDays": 365}}]})


def role(i):
    name = f"bench-role-{i:05d}"
    try:
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)
    except iam.exceptions.EntityAlreadyExistsException:
        pass  # an attempt the emulator answered with 500 had created it
    iam.put_role_policy(RoleName=name, PolicyName="read", PolicyDocument=POLICY)


vpc_id = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]


def group(i):
    gid = ec2.create_security_group(GroupName=f"bench-sg-{i:05d}", Description="bench", VpcId=vpc_id)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])


def visibility(name):
    return {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": name}


def web_acl(i):
    name = f"bench-waf-{i:05d}"
    waf.create_web_acl(Name=name, Scope="REGIONAL", DefaultAction={"Allow": {}}, VisibilityConfig=visibility(name), Rules=[{
        "Name": "common", "Priority": 0, "OverrideAction": {"None": {}}, "VisibilityConfig": visibility("common"),
        "Statement": {"ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": "AWSManagedRulesCommonRuleSet"}}}])


def certificate(i):
    acm.request_certificate(DomainName=f"bench-{i:05d}.example.com", ValidationMethod="DNS")


def topic_and_alarm(i):
    arn = sns.create_topic(Name=f"bench-topic-{i:05d}", Attributes={"KmsMasterKeyId": KMS})["TopicArn"]
    sns.subscribe(TopicArn=arn, Protocol="email", Endpoint=f"bench-{i:05d}@example.com")
    cw.put_metric_alarm(AlarmName=f"bench-alarm-{i:05d}", Namespace="AWS/RDS", MetricName="CPUUtilization",
                        Dimensions=[{"Name": "DBInstanceIdentifier", "Value": f"bench-{i:05d}"}], Statistic="Average",
                        Period=300, EvaluationPeriods=2, Threshold=80.0, ComparisonOperator="GreaterThanThreshold",
                        AlarmActions=[arn], ActionsEnabled=True)


def log_group(i):
    name = f"/bench/{i:05d}"
    logs.create_log_group(logGroupName=name, kmsKeyId=KMS)
    logs.put_retention_policy(logGroupName=name, retentionInDays=365)


def parameter(i):
    secure = i % 2 == 0
    ssm.put_parameter(Name=f"/bench/{i:05d}/{'password' if secure else 'url'}", Value="x",
                      Type="SecureString" if secure else "String")


def key(i):
    key_id = kms.create_key(Description=f"bench {i}")["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=key_id)
    kms.create_alias(AliasName=f"alias/bench-{i:05d}", TargetKeyId=key_id)


rds.create_db_instance(DBInstanceIdentifier="bench-db", Engine="postgres", DBInstanceClass="db.t3.micro",
                       AllocatedStorage=20, MasterUsername="bench", MasterUserPassword="not-a-real-password-1",
                       StorageEncrypted=True)


SNAPSHOT_QUOTA = 100


def snapshot(i):
    if i >= SNAPSHOT_QUOTA:
        return
    rds.create_db_snapshot(DBInstanceIdentifier="bench-db", DBSnapshotIdentifier=f"bench-snap-{i:05d}")


s3.create_bucket(Bucket="bench-trail-logs")
for t in range(5):
    cloudtrail.create_trail(Name=f"bench-trail-{t}", S3BucketName="bench-trail-logs", IsMultiRegionTrail=True,
                            EnableLogFileValidation=True)
    cloudtrail.start_logging(Name=f"bench-trail-{t}")

# BENCH_SEED_WORKERS=1 for an account reached through assumed-role keys: moto answers some
# concurrent CreateSecurityGroup calls there with HTTP 500.
with ThreadPoolExecutor(max_workers=int(os.environ.get("BENCH_SEED_WORKERS", "8"))) as pool:
    for fn in (bucket, role, group, web_acl, certificate, topic_and_alarm, log_group, parameter, key, snapshot):
        list(pool.map(fn, range(count)))
print(f"seeded {count} each of buckets, roles, security groups, web ACLs, certificates, topics, alarms, log groups, "
      f"SSM parameters, KMS keys, DB snapshots, and 5 trails")
