"""WeChat's protocol: webhook signatures and crypto, message parsing, the server API client."""
