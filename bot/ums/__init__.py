"""The SMS gateway adapter for the government UMS (see docs/ums.md), its dispatcher loop, the delivery-report
receiver on the admin endpoint, and a fake UMS server for the demo and the tests."""
