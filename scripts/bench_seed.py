"""Seeds the moto emulator for scripts/bench-scan.sh: N buckets (KMS-encrypted, tagged),
N IAM roles (each with an inline policy) and N security groups (each with an ingress rule).

Runs with the moto virtualenv's Python (boto3 comes with moto). Talks to the endpoint given
on the command line only (loopback).
"""

import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor

import boto3

endpoint, count = sys.argv[1], int(sys.argv[2])
# moto seeds the account the keys belong to: scripts/bench-org.sh passes a member account's
# assumed-role keys.
session = boto3.session.Session(
    aws_access_key_id=os.environ.get("BENCH_ACCESS_KEY_ID", "testing"),
    aws_secret_access_key=os.environ.get("BENCH_SECRET_ACCESS_KEY", "testing"),
    region_name="us-east-1",
)
s3 = session.client("s3", endpoint_url=endpoint)
iam = session.client("iam", endpoint_url=endpoint)
ec2 = session.client("ec2", endpoint_url=endpoint)

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


def role(i):
    name = f"bench-role-{i:05d}"
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)
    iam.put_role_policy(RoleName=name, PolicyName="read", PolicyDocument=POLICY)


vpc_id = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]


def group(i):
    gid = ec2.create_security_group(GroupName=f"bench-sg-{i:05d}", Description="bench", VpcId=vpc_id)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])


# BENCH_SEED_WORKERS=1 for an account reached through assumed-role keys: moto answers some
# concurrent CreateSecurityGroup calls there with HTTP 500.
with ThreadPoolExecutor(max_workers=int(os.environ.get("BENCH_SEED_WORKERS", "8"))) as pool:
    for fn in (bucket, role, group):
        list(pool.map(fn, range(count)))
print(f"seeded {count} buckets, {count} roles, {count} security groups")
