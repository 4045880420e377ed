"""pycognito (an SRP client independent of Cognate) against the running server: sign-up,
USER_SRP_AUTH, TOTP set-up and answer with pyotp, an SMS code delivered through SNS (moto's
server, which records it), and the tokens verified against the pool's JWKS. run.sh starts
both servers and sets COGNATE_URL, MOTO_URL and the admin key."""

import os
import time
import uuid

import boto3
import pyotp
import pytest
from pycognito import Cognito
from pycognito.exceptions import SMSMFAChallengeException, SoftwareTokenMFAChallengeException
import requests

URL = os.environ["COGNATE_URL"]


def cognito_client():
    return boto3.client("cognito-idp", region_name="us-west-2", endpoint_url=URL)


@pytest.fixture()
def pool():
    c = cognito_client()
    pool_id = c.create_user_pool(PoolName="pycognito")["UserPool"]["Id"]
    client_id = c.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="py",
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    yield c, pool_id, client_id
    c.delete_user_pool(UserPoolId=pool_id)


def user(c, pool_id, client_id, name, password):
    c.sign_up(ClientId=client_id, Username=name, Password=password)
    c.admin_confirm_sign_up(UserPoolId=pool_id, Username=name)
    return Cognito(pool_id, client_id, username=name, boto3_client_kwargs={"endpoint_url": URL})


def test_srp_sign_in_and_tokens_verified_with_the_pools_keys(pool):
    c, pool_id, client_id = pool
    u = user(c, pool_id, client_id, "py-" + uuid.uuid4().hex[:8], "Py-passw0rd!")
    u.authenticate(password="Py-passw0rd!")  # SRP; pycognito verifies the tokens (JWKS)
    assert u.access_claims["username"] == u.username
    assert u.id_claims["token_use"] == "id"
    with pytest.raises(c.exceptions.NotAuthorizedException):
        u.authenticate(password="Wrong-passw0rd!")


def test_srp_then_totp_set_up_and_answered(pool):
    c, pool_id, client_id = pool
    c.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        MfaConfiguration="OPTIONAL",
        SoftwareTokenMfaConfiguration={"Enabled": True},
    )
    u = user(c, pool_id, client_id, "totp-" + uuid.uuid4().hex[:8], "Py-passw0rd!")
    u.authenticate(password="Py-passw0rd!")
    secret = u.associate_software_token()
    totp = pyotp.TOTP(secret)
    code = totp.now()
    assert u.verify_software_token(code)
    u.set_user_mfa_preference(sms_mfa=False, software_token_mfa=True, preferred="SOFTWARE_TOKEN")
    again = Cognito(pool_id, client_id, username=u.username, boto3_client_kwargs={"endpoint_url": URL})
    with pytest.raises(SoftwareTokenMFAChallengeException):
        again.authenticate(password="Py-passw0rd!")
    # The code that verified the authenticator is spent: wait for the next step.
    while totp.now() == code:
        time.sleep(0.5)
    again.respond_to_software_token_mfa_challenge(totp.now())
    assert again.access_claims["username"] == u.username


def test_srp_then_an_sms_code_published_through_sns(pool):
    c, pool_id, client_id = pool
    c.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        MfaConfiguration="ON",
        SmsMfaConfiguration={
            "SmsAuthenticationMessage": "Code: {####}",
            "SmsConfiguration": {"SnsCallerArn": "arn:aws:iam::123456789012:role/sns"},
        },
    )
    name = "sms-" + uuid.uuid4().hex[:8]
    phone = "+1555" + str(uuid.uuid4().int)[:7]
    c.admin_create_user(
        UserPoolId=pool_id,
        Username=name,
        UserAttributes=[
            {"Name": "phone_number", "Value": phone},
            {"Name": "phone_number_verified", "Value": "True"},
        ],
        MessageAction="SUPPRESS",
    )
    c.admin_set_user_password(UserPoolId=pool_id, Username=name, Password="Py-passw0rd!", Permanent=True)
    u = Cognito(pool_id, client_id, username=name, boto3_client_kwargs={"endpoint_url": URL})
    with pytest.raises(SMSMFAChallengeException):
        u.authenticate(password="Py-passw0rd!")
    code = None
    for _ in range(100):
        data = requests.get(os.environ["MOTO_URL"] + "/moto-api/data.json", timeout=5).json()
        sms = data.get("sns", {}).get("SMS", [])
        mine = [m["message"] for m in sms if m["phone_number"] == phone]
        if mine:
            code = mine[-1].removeprefix("Code: ").strip()
            break
        time.sleep(0.1)
    assert code and len(code) == 6
    u.respond_to_sms_mfa_challenge(code)
    assert u.access_claims["username"] == name
