"""Seeds the resource-policy cases of the IAM corpus (tests/data/corpus/iam/, kind `resource`)
into moto for the Prowler comparison (docs/comparison-prowler.md): per case a bucket
`corpus-NN` (`arn:aws:s3:::b` in the policy names it), a secret `corpus-NN`, a KMS key with
alias `alias/corpus-NN`, or an ECR repository `corpus-NN`, with the case's policy. Writes
`$OUT/resources.json`: resource ARN -> case number, for table_resources.py."""
import boto3, json, glob, os
kw = dict(endpoint_url=os.environ["AWS_ENDPOINT_URL"], region_name="us-east-1",
          aws_access_key_id="testing", aws_secret_access_key="testing")
s3, sm, kms, ecr = (boto3.client(x, **kw) for x in ("s3", "secretsmanager", "kms", "ecr"))
here = os.path.dirname(os.path.abspath(__file__))
seeded = {}
for f in sorted(glob.glob(os.path.join(here, "../../tests/data/corpus/iam/*.json"))):
    c = json.load(open(f))
    if c["kind"] != "resource":
        continue
    n = os.path.basename(f)[:2]
    name = "corpus-%s" % n
    policy = json.dumps(c["policy"])
    if c["service"] == "s3":
        s3.create_bucket(Bucket=name)
        s3.put_bucket_policy(Bucket=name, Policy=policy.replace("arn:aws:s3:::b/", "arn:aws:s3:::%s/" % name))
        arn = "arn:aws:s3:::%s" % name
    elif c["service"] == "secretsmanager":
        arn = sm.create_secret(Name=name, SecretString="corpus")["ARN"]
        sm.put_resource_policy(SecretId=arn, ResourcePolicy=policy)
    elif c["service"] == "kms":
        meta = kms.create_key(Description=name, Policy=policy)["KeyMetadata"]
        kms.create_alias(AliasName="alias/" + name, TargetKeyId=meta["KeyId"])
        arn = meta["Arn"]
    elif c["service"] == "ecr":
        arn = ecr.create_repository(repositoryName=name)["repository"]["repositoryArn"]
        ecr.set_repository_policy(repositoryName=name, policyText=policy)
    seeded[arn] = n
json.dump(seeded, open(os.path.join(os.environ["OUT"], "resources.json"), "w"), indent=1)
print("seeded %d resource-policy cases" % len(seeded))
