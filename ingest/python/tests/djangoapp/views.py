import logging

from django.http import JsonResponse

logger = logging.getLogger("billing.views")


def _charge(payment_id):
    raise ValueError(f"card declined for payment {payment_id}")


def capture(request, payment_id):
    logger.info("capturing payment %s", payment_id, extra={"shop_id": 42})
    _charge(payment_id)
    return JsonResponse({"ok": True})


def health(request):
    return JsonResponse({"ok": True})
