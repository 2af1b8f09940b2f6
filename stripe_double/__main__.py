"""`python -m stripe_double --port 12111 --webhook-url URL --webhook-secret whsec_...`"""

import argparse
import logging
import os

from .server import WEBHOOK_RETRY_DELAYS, StripeDouble


def main() -> None:
    parser = argparse.ArgumentParser(description="Local Stripe test double")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("STRIPE_DOUBLE_PORT", 12111)))
    parser.add_argument("--webhook-url", default=os.environ.get("STRIPE_DOUBLE_WEBHOOK_URL"))
    parser.add_argument("--webhook-secret", default=os.environ.get("STRIPE_WEBHOOK_SECRET") or "whsec_double")
    parser.add_argument("--state-file", help="keep objects across restarts in this JSON file")
    parser.add_argument(
        "--webhook-retry-delays",
        default=os.environ.get("STRIPE_DOUBLE_WEBHOOK_RETRY_DELAYS")
        or ",".join(f"{d:g}" for d in WEBHOOK_RETRY_DELAYS),
        help="seconds before each redelivery of a failed webhook, comma-separated (Stripe-like backoff)",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="stripe-double %(levelname)s %(message)s")
    delays = tuple(float(d) for d in args.webhook_retry_delays.split(",") if d.strip())
    double = StripeDouble(
        host=args.host,
        port=args.port,
        webhook_url=args.webhook_url,
        webhook_secret=args.webhook_secret,
        state_file=args.state_file,
        webhook_retry_delays=delays,
    )
    print(f"Stripe double on {double.url} -> webhooks to {args.webhook_url or '(none)'}", flush=True)
    double.serve_forever()


if __name__ == "__main__":
    main()
