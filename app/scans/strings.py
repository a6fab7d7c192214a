"""The scan station's words for its JavaScript, translated on the server (Vietnamese first)."""

from __future__ import annotations

from flask_babel import gettext as _


def station_strings() -> dict[str, str]:
    return {
        "online": _("Online"),
        "offline": _("Offline: scans are kept on this device and sent when the network returns"),
        "waiting": _("waiting to be sent"),
        "sending": _("Sending…"),
        "recorded": _("Recorded"),
        "flagged": _("to be checked"),
        "duplicate": _("Already recorded (sent again)"),
        "bag_items": _("items in the bag"),
        "rejected": _("Rejected"),
        "queued": _("Saved on this device, waiting for the network"),
        "double_read": _("Same code read twice: counted once"),
        "not_a_code": _("Not a tracking number or a bag id"),
        "typo": _("The check digit does not match: read or type the number again"),
        "event_chosen": _("Event"),
        "need_office": _("Choose the office you are scanning at first"),
        "need_receiver": _("Type the receiver's name first (EMI)"),
        "need_reason_action": _("Choose the reason and the action first (EMH)"),
        "need_hold_reason": _("Type why the item is held first (XHD)"),
        "bag_event_only": _("A bag can only be scanned as EDD, EDE or EMG"),
        "session_expired": _("Your session has ended: sign in again; the waiting scans are kept"),
        "not_allowed": _("Not allowed"),
        # {current}, {owner} and {count} are filled in by the page.
        "held_for_other": _(
            "Signed in now as {current}: the {count} waiting scans made by {owner} are kept on this device "
            "and sent when {owner} signs in again"
        ),
        "server_error": _("The server could not record these scans; they stay queued and are retried"),
        "bag_mode_needs_network": _("Bags need the network: try again when it is back"),
        "no_bag": _("Scan or create a bag first"),
        "bag_created": _("New bag"),
        "bag_loaded": _("Bag"),
        "added_to_bag": _("Put in the bag"),
        "removed_from_bag": _("Taken out of the bag"),
        "sealed": _("Sealed"),
        "opened": _("Opened"),
        # {office} is filled in by the page.
        "sealed_elsewhere": _("Sealed: only its destination office, {office}, checks and opens it"),
        "filling": _("Being filled"),
        "found_in_bag": _("Found, on the list"),
        "not_on_list": _("Not on the bag's list"),
        "missing": _("Missing"),
        "unexpected": _("Unexpected"),
        "items": _("items"),
        "found": _("found"),
        "upload_done": _("File sent"),
        "upload_failed": _("The file could not be read"),
        "upload_missing_id": _("Row without an id: the handheld's export must give each scan its id"),
        "upload_retry": _("Network error: retrying this part of the file"),
        "upload_network": _(
            "Network error: the rest of the file was not sent. Send the file again when the network is back; "
            "scans already sent are recognised and not counted twice."
        ),
        "row": _("Row"),
        "remove": _("Take out"),
        "status": _("Status"),
        "recipient": _("Recipient"),
    }
