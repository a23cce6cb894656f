"""Wording only the Zalo channel needs: things Zalo cannot show the way Telegram does."""

from __future__ import annotations

# A photo that exists only as a Telegram file (e.g. an official attached it in the staff group):
# Zalo cannot fetch it, and its download address contains the bot token, so it is never passed on.
PHOTO_NOT_SHOWN = "(Kèm theo {count} ảnh chưa xem được trên Zalo. Anh/Chị cần xem ảnh xin liên hệ UBND xã.)"
# Zalo cannot send a map pin; a link opens the map on the citizen's phone.
LOCATION_LINK = "📍 Vị trí: https://maps.google.com/?q={lat:.6f},{lon:.6f}"
