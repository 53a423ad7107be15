"""Seeds the moto emulator for scripts/bench-scan.sh: N buckets (KMS-encrypted, tagged, with a
noncurrent-version lifecycle rule), N IAM roles (each with an inline policy), N security groups
(each with an ingress rule), N SSM parameters (half SecureString), N KMS keys (rotation on, an
alias each), one DB instance with N manual snapshots, and 5 multi-region trails (AWS allows 5
per region).

Runs with the moto virtualenv's Python (boto3 comes with moto). Talks to the endpoint given
on the command line only (loopback).
"""

import json
import sys
from concurrent.futures import ThreadPoolExecutor

import boto3

endpoint, count = sys.argv[1], int(sys.argv[2])
session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")
s3 = session.client("s3", endpoint_url=endpoint)
iam = session.client("iam", endpoint_url=endpoint)
ec2 = session.client("ec2", endpoint_url=endpoint)
ssm = session.client("ssm", endpoint_url=endpoint)
kms = session.client("kms", endpoint_url=endpoint)
rds = session.client("rds", endpoint_url=endpoint)
cloudtrail = session.client("cloudtrail", endpoint_url=endpoint)

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
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)
    iam.put_role_policy(RoleName=name, PolicyName="read", PolicyDocument=POLICY)


vpc_id = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]


def group(i):
    gid = ec2.create_security_group(GroupName=f"bench-sg-{i:05d}", Description="bench", VpcId=vpc_id)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])


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


def snapshot(i):
    rds.create_db_snapshot(DBInstanceIdentifier="bench-db", DBSnapshotIdentifier=f"bench-snap-{i:05d}")


s3.create_bucket(Bucket="bench-trail-logs")
for t in range(5):
    cloudtrail.create_trail(Name=f"bench-trail-{t}", S3BucketName="bench-trail-logs", IsMultiRegionTrail=True,
                            EnableLogFileValidation=True)
    cloudtrail.start_logging(Name=f"bench-trail-{t}")

with ThreadPoolExecutor(max_workers=8) as pool:
    for fn in (bucket, role, group, parameter, key, snapshot):
        list(pool.map(fn, range(count)))
print(f"seeded {count} buckets, {count} roles, {count} security groups, {count} SSM parameters, "
      f"{count} KMS keys, {count} DB snapshots, 5 trails")
