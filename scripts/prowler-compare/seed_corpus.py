"""Seeds the IAM corpus (identity and trust cases) into moto for the Prowler comparison
(docs/comparison-prowler.md): role/user corpus-NN, inline policies p0.., the first identity
policy also as a customer managed policy corpus-NN-policy attached to the role."""
import boto3, json, glob, os
ep=os.environ["AWS_ENDPOINT_URL"]
iam=boto3.client("iam",endpoint_url=ep,region_name="us-east-1",aws_access_key_id="testing",aws_secret_access_key="testing")
own={"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}
for f in sorted(glob.glob(os.path.join(os.path.dirname(__file__), "../../tests/data/corpus/iam/*.json"))):
    c=json.load(open(f)); n=os.path.basename(f)[:2]
    if c["kind"] in ("resource", "resource_grant"): continue  # resources: seed_resources.py
    trust=c.get("trust_policy",own)
    if c["kind"]=="identity" and c["principal"]=="user":
        u="corpus-%s"%n; iam.create_user(UserName=u)
        for i,d in enumerate(c["policies"]): iam.put_user_policy(UserName=u,PolicyName="p%d"%i,PolicyDocument=json.dumps(d))
        if c.get("group_policies"):
            g=u+"-g"; iam.create_group(GroupName=g)
            for i,d in enumerate(c["group_policies"]): iam.put_group_policy(GroupName=g,PolicyName="g%d"%i,PolicyDocument=json.dumps(d))
            iam.add_user_to_group(GroupName=g,UserName=u)
        continue
    kw={}
    if c.get("boundary"):
        kw["PermissionsBoundary"]=iam.create_policy(PolicyName="corpus-%s-boundary"%n,PolicyDocument=json.dumps(c["boundary"]))["Policy"]["Arn"]
    iam.create_role(RoleName="corpus-%s"%n,AssumeRolePolicyDocument=json.dumps(trust),**kw)
    for i,d in enumerate(c.get("policies",[])): iam.put_role_policy(RoleName="corpus-%s"%n,PolicyName="p%d"%i,PolicyDocument=json.dumps(d))
    # also a customer managed policy per identity case, so Prowler's policy-level checks see it
    if c["kind"]=="identity":
        arn=iam.create_policy(PolicyName="corpus-%s-policy"%n,PolicyDocument=json.dumps(c["policies"][0]))["Policy"]["Arn"]
        iam.attach_role_policy(RoleName="corpus-%s"%n,PolicyArn=arn)
print("seeded")
