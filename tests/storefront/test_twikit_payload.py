"""IOrderPayload and its hash, against a fixed vector written out by hand."""

import hashlib
import json

import pytest

from storefront.orders.addresses import twikit_addresses
from storefront.twikit.client import ApiResult
from storefront.twikit.payload import build_order_payload, payload_hash, serialise
from storefront.twikit.result_codes import SPEC_NAMES, ResultCode

from ..support.factories import build_order

BILLING = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com",
           "address_line1": "Rue de la Loi 16", "address_line2": "", "zip": "1000", "city": "Brussels",
           "country_iso": "BE", "company_name": "", "company_vat": "", "phone": "+32 2 555 12 12"}
DELIVERY = {**BILLING, "first_name": "Charles", "last_name": "Babbage", "address_line1": "Dorset St 1",
            "address_line2": "Flat 2", "zip": "W1U 4EG", "city": "London", "country_iso": "GB", "phone": "",
            "company_name": "Analytical Engines Ltd"}

EXPECTED_PAYLOAD = (
    '{"items":[{"configurationId":1001,"amount":2,"identifier":"TW-261129-7K3QX9-1"}],'
    '"identifier":"TW-261129-7K3QX9",'
    '"billingAddress":{"firstName":"Ada","lastName":"Lovelace","email":"ada@example.com",'
    '"addressLine1":"Rue de la Loi 16","zip":"1000","city":"Brussels","countryIso":"BE",'
    '"phone":"+32 2 555 12 12"},'
    '"deliveryAddress":{"firstName":"Charles","lastName":"Babbage","email":"ada@example.com",'
    '"addressLine1":"Dorset St 1","addressLine2":"Flat 2","zip":"W1U 4EG","city":"London","countryIso":"GB",'
    '"companyName":"Analytical Engines Ltd"},'
    '"data":{"orderReference":"TW-261129-7K3QX9"}}'
)
# md5(EXPECTED_PAYLOAD + "s3cret"), computed once with `md5sum` and written down here.
EXPECTED_HASH = "8c845312c208e4361ac4703ee01d6843"


def order():
    return build_order(identifier="TW-261129-7K3QX9", billing_address=BILLING, delivery_address=DELIVERY, lines=[
        (1001, 2),  # TW-261129-7K3QX9-1
        # A plain product, without a Twikit configuration: it never reaches Twikit.
        {"configuration_id": None, "quantity": 1, "product_key": "gift-box", "product_name": "Gift box",
         "sku": "BOX", "variant_name": "Box", "unit_price_cents": 500},
    ])


def test_the_payload_string_is_exactly_the_spec_shape():
    assert serialise(build_order_payload(order())) == EXPECTED_PAYLOAD


def test_the_hash_is_md5_of_payload_plus_secret():
    assert payload_hash(EXPECTED_PAYLOAD, "s3cret") == EXPECTED_HASH
    assert payload_hash(EXPECTED_PAYLOAD, "s3cret") == hashlib.md5((EXPECTED_PAYLOAD + "s3cret").encode()).hexdigest()


MERCHANT_CONFIG = {"MERCHANT_FIRST_NAME": "Shop", "MERCHANT_LAST_NAME": "Owner", "MERCHANT_EMAIL": "shop@example.com",
                   "MERCHANT_ADDRESS_LINE1": "Main 1", "MERCHANT_ZIP": "2000", "MERCHANT_CITY": "Antwerp",
                   "MERCHANT_COUNTRY_ISO": "BE"}
MERCHANT = {"firstName": "Shop", "lastName": "Owner", "email": "shop@example.com", "addressLine1": "Main 1",
            "zip": "2000", "city": "Antwerp", "countryIso": "BE"}


@pytest.mark.parametrize("bill_to, deliver_to", [("customer", "customer"), ("merchant", "customer"),
                                                 ("customer", "merchant"), ("merchant", "merchant")])
def test_each_address_goes_to_the_party_its_setting_names(bill_to, deliver_to):
    the_order = order()
    the_order.twikit_delivery = deliver_to  # fixed on the order when it was placed, from TWIKIT_DELIVER_TO
    billing, delivery = twikit_addresses(the_order, {**MERCHANT_CONFIG, "TWIKIT_BILL_TO": bill_to})
    payload = build_order_payload(the_order, billing_address=billing, delivery_address=delivery)
    customer = json.loads(EXPECTED_PAYLOAD)
    assert payload["billingAddress"] == (MERCHANT if bill_to == "merchant" else customer["billingAddress"])
    assert payload["deliveryAddress"] == (MERCHANT if deliver_to == "merchant" else customer["deliveryAddress"])


BRONTE = {"first_name": "Charlotte", "last_name": "Brontë", "email": "charlotte@example.com",
          "address_line1": "Church St 1", "zip": "BD22 8DR", "city": "Haworth", "country_iso": "GB"}
# Written out by hand: "ë" travels as the six ASCII characters \u00eb, so the string is ASCII only.
EXPECTED_BRONTE_PAYLOAD = (
    '{"items":[{"configurationId":1001,"amount":1,"identifier":"TW-261129-BRONTE-1"}],'
    '"identifier":"TW-261129-BRONTE",'
    '"billingAddress":{"firstName":"Charlotte","lastName":"Bront\\u00eb","email":"charlotte@example.com",'
    '"addressLine1":"Church St 1","zip":"BD22 8DR","city":"Haworth","countryIso":"GB"},'
    '"deliveryAddress":{"firstName":"Charlotte","lastName":"Bront\\u00eb","email":"charlotte@example.com",'
    '"addressLine1":"Church St 1","zip":"BD22 8DR","city":"Haworth","countryIso":"GB"},'
    '"data":{"orderReference":"TW-261129-BRONTE"}}'
)
# md5(EXPECTED_BRONTE_PAYLOAD + "s3cret"), computed once with `md5sum` and written down here.
EXPECTED_BRONTE_HASH = "e9011e595888aff6d8dc298c98fc636f"


def test_non_ascii_text_is_sent_as_ascii_escapes_so_the_hash_cannot_depend_on_an_encoding():
    payload = serialise(build_order_payload(build_order(identifier="TW-261129-BRONTE", billing_address=BRONTE)))
    assert payload == EXPECTED_BRONTE_PAYLOAD
    assert payload.isascii() and "Brontë" not in payload and json.loads(payload)["billingAddress"]["lastName"] == \
        "Brontë"
    assert payload_hash(payload, "s3cret") == EXPECTED_BRONTE_HASH
    # Whichever common encoding Twikit hashes the string in, the bytes and so the md5 are the same;
    # with a raw "ë" they would not be (UTF-8 has two bytes for it, Latin-1 one).
    for encoding in ("ascii", "latin-1", "cp1252", "utf-8"):
        assert hashlib.md5((payload + "s3cret").encode(encoding)).hexdigest() == EXPECTED_BRONTE_HASH
    assert "Brontë".encode() != "Brontë".encode("latin-1")


def test_non_ascii_is_hashed_as_utf8():
    text = '{"identifier":"Zoë"}'
    assert payload_hash(text, "é") == hashlib.md5("{\"identifier\":\"Zoë\"}é".encode()).hexdigest()


def test_every_spec_result_code_has_its_spec_name():
    assert [(code.value, code.spec_name) for code in ResultCode] == [
        (0, "UnexpectedError"), (1, "OrderCreatedSuccessfully"), (2, "OrderCreatedUnhealthy"),
        (3, "VerificationFailed"), (4, "OrderPayloadParsingFailed"), (5, "HashParameterEmpty"),
        (6, "Md5HashMismatch"), (7, "OrderPayloadParameterMissing"), (8, "OrderPayloadValidationFailed"),
        (9, "IdentifierAlreadyExists"), (10, "CouldNotFindConfig")]
    assert set(SPEC_NAMES) == set(ResultCode)


def test_an_unknown_result_code_is_kept_not_crashed_on():
    result = ApiResult(http_status=400, result_code=42, result_code_name="SomethingNew")
    assert result.code is None and result.result_code == 42
