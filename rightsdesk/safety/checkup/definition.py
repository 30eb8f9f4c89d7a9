"""The self-check itself: its areas, the actions it can recommend, and its statements.

Every string is translatable through the ordinary message catalogues. Statements of level 1 are
always asked; a later statement is asked only when its ``requires`` expression (see
``expressions``) holds on the answers to earlier levels. Points are summed per action; the plan
lists the actions that got any, highest first.

Action codes appear in plan links: never change or reuse one.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rightsdesk.safety.checkup.structure import Action, Area, Checkup, Level, Statement

AREAS = (
    Area("accounts", _("Accounts and passwords")),
    Area("identity", _("Your wiki identity")),
    Area("devices", _("Devices")),
    Area("communication", _("Communication")),
    Area("browsing", _("Browsing and connection")),
    Area("wellbeing", _("Wellbeing and support")),
)

# Most urgent first: when two actions have the same points, the earlier one comes first.
ACTIONS = (
    Action(
        "harassment_response",
        "hr",
        "wellbeing",
        _("Keep a record of the harassment and get support"),
        _(
            "Saving what happened, safely and in one place, helps when you report it, and "
            "you do not have to deal with it alone."
        ),
        ("wellbeing", "intermediate"),
        workflow="threat-received",
    ),
    Action(
        "hostile_environment",
        "he",
        "identity",
        _("Learn how people edit safely where editing is risky"),
        _(
            "In some countries, what you write on a wiki can lead to questions, pressure or "
            "worse. Knowing the risks lets you choose what, where and how you edit."
        ),
        ("sensitive-topics", "advanced"),
        workflow="legal-pressure",
    ),
    Action(
        "email_2fa",
        "2e",
        "accounts",
        _("Turn on two-step verification for your email"),
        _(
            "Whoever gets into your email can reset the passwords of almost all your other "
            "accounts, your wiki account included."
        ),
        ("two-factor", "beginner"),
    ),
    Action(
        "unique_passwords",
        "up",
        "accounts",
        _("Give every account its own password, starting with email and the wiki"),
        _(
            "When one website leaks a password, attackers try it on many others. A password "
            "used only once cannot open anything else."
        ),
        ("passwords", "beginner"),
        workflow="account-taken-over",
    ),
    Action(
        "wiki_2fa",
        "2w",
        "accounts",
        _("Turn on two-step verification for your wiki account"),
        _(
            "With it, a stolen or guessed password alone is not enough to take over your "
            "account and edit in your name."
        ),
        ("two-factor", "beginner"),
    ),
    Action(
        "use_password_manager",
        "pm",
        "accounts",
        _("Start using a password manager"),
        _(
            "It makes and remembers a strong, different password for every account, so you "
            "need to remember only one."
        ),
        ("passwords", "beginner"),
    ),
    Action(
        "photo_off_user_page",
        "ph",
        "identity",
        _("Think again about the photo of you on your user page"),
        _(
            "A face links your edits to you wherever someone recognises you, and a photo can "
            "be copied before you take it down."
        ),
        ("user-page", "beginner"),
    ),
    Action(
        "trim_user_page",
        "ub",
        "identity",
        _("Remove what tells where you live, your age, school or employer"),
        _("Userboxes and small details add up: together they can point to one person in one town."),
        ("user-page", "intermediate"),
    ),
    Action(
        "separate_username",
        "un",
        "identity",
        _("Consider a user name that is not your real name"),
        _(
            "With your real name, every edit is signed by you in person. You can ask to be "
            "renamed, or edit sensitive topics from a separate account."
        ),
        ("user-page", "beginner"),
    ),
    Action(
        "separate_identities",
        "si",
        "identity",
        _("Keep your wiki name apart from your other accounts"),
        _(
            "The same name on social media lets anyone connect what you edit with your "
            "private life, your friends and your photos."
        ),
        ("doxxing", "beginner"),
    ),
    Action(
        "sensitive_topic_care",
        "st",
        "identity",
        _("Plan how you write about sensitive topics"),
        _(
            "Some subjects attract attention from people who want to know who edits them. "
            "A little planning keeps your edits and your identity apart."
        ),
        ("sensitive-topics", "beginner"),
    ),
    Action(
        "doxxing_plan",
        "dx",
        "identity",
        _("Know what to do if your private details are published"),
        _(
            "Acting quickly and quietly (asking for the edits to be hidden, never repeating the "
            "details on the wiki) limits the harm."
        ),
        ("doxxing", "intermediate"),
        workflow="being-doxxed",
    ),
    Action(
        "use_tor_vpn",
        "tv",
        "browsing",
        _("Edit through Tor or a VPN you trust"),
        _(
            "They hide from your internet provider which sites you visit, and hide your "
            "address from the sites themselves."
        ),
        ("vpn-tor", "beginner"),
    ),
    Action(
        "stay_logged_in",
        "lo",
        "browsing",
        _("Always log in before you edit"),
        _(
            "An edit made without logging in publishes your IP address, which shows roughly "
            "where you are and who your internet provider is."
        ),
        ("vpn-tor", "intermediate"),
    ),
    Action(
        "ip_block_exemption",
        "ip",
        "browsing",
        _("Ask for IP block exemption to edit through Tor"),
        _("Wikis block editing from Tor by default; trusted editors who need it can be exempted."),
        ("vpn-tor", "advanced"),
    ),
    Action(
        "limit_tracking",
        "tr",
        "browsing",
        _("Keep your research apart from your logged-in accounts"),
        _(
            "What you read while logged in to social media or email is linked to you and can "
            "show up in your ads and recommendations."
        ),
        ("tracking", "beginner"),
    ),
    Action(
        "border_devices",
        "bd",
        "devices",
        _("Prepare your devices before you cross a border"),
        _(
            "Phones and laptops can be searched at borders. What is not on them cannot be "
            "read there."
        ),
        ("devices", "advanced"),
        workflow="device-compromised",
    ),
    Action(
        "encrypt_devices",
        "de",
        "devices",
        _("Encrypt your phone and computer"),
        _(
            "If a device is lost, stolen or taken, encryption keeps what is on it unreadable "
            "without your passcode."
        ),
        ("devices", "advanced"),
    ),
    Action(
        "update_devices",
        "du",
        "devices",
        _("Turn on automatic updates and a screen lock"),
        _(
            "Most attacks use holes that an update has already closed, and a screen lock "
            "keeps out whoever picks up your device."
        ),
        ("devices", "beginner"),
    ),
    Action(
        "secure_messenger",
        "sm",
        "communication",
        _("Use an end-to-end encrypted messenger for sensitive talk"),
        _(
            "With end-to-end encryption, only you and the people you write to can read the "
            "messages, not the company or anyone on the network."
        ),
        ("secure-messaging", "beginner"),
    ),
    Action(
        "free_software",
        "fs",
        "communication",
        _("Prefer free and open-source apps for sensitive work"),
        _(
            "Anyone can check what their code does, so hidden tracking and back doors are "
            "harder to slip in."
        ),
        ("free-software", "beginner"),
    ),
    Action(
        "spot_phishing",
        "pf",
        "communication",
        _("Learn to recognise phishing, including fake Wikimedia mail"),
        _(
            "Most accounts are taken over by a convincing message that asks you to sign in, "
            "not by clever hacking."
        ),
        ("phishing", "beginner"),
    ),
    Action(
        "support_person",
        "sp",
        "wellbeing",
        _("Find someone you can talk to"),
        _(
            "Harassment is meant to isolate you. A friend, a fellow editor or a counsellor "
            "makes it lighter to carry."
        ),
        ("wellbeing", "beginner"),
    ),
)

LEVELS = (
    Level(
        1,
        _("The basics"),
        (
            Statement(
                "different_passwords",
                _("I use a different password for every account."),
                no={"unique_passwords": 5, "use_password_manager": 4},
                unsure={"unique_passwords": 3, "use_password_manager": 3},
            ),
            Statement(
                "wiki_2fa",
                _("Two-step verification (2FA) is turned on for my wiki account."),
                no={"wiki_2fa": 4},
                unsure={"wiki_2fa": 3},
            ),
            Statement(
                "email_2fa",
                _("Two-step verification is turned on for my email account."),
                no={"email_2fa": 5},
                unsure={"email_2fa": 3},
            ),
            Statement(
                "recognise_phishing",
                _(
                    "I can tell a fake sign-in message from a real one, even one that seems to "
                    "come from Wikimedia."
                ),
                no={"spot_phishing": 4},
                unsure={"spot_phishing": 3},
            ),
            Statement(
                "photo_on_user_page",
                _("There is a photo of me on my user page."),
                yes={"photo_off_user_page": 4},
                unsure={"photo_off_user_page": 1},
            ),
            Statement(
                "username_real_name",
                _("My user name is my real name, or close to it."),
                yes={"separate_username": 3, "separate_identities": 1},
                unsure={"separate_username": 1},
            ),
            Statement(
                "user_page_details",
                _(
                    "My user page shows where I live, my age, my school or university, or "
                    "where I work."
                ),
                yes={"trim_user_page": 4},
                unsure={"trim_user_page": 2},
            ),
            Statement(
                "device_updates",
                _("My phone and computer install updates automatically and lock with a PIN."),
                no={"update_devices": 3},
                unsure={"update_devices": 2},
            ),
            Statement(
                "sensitive_topics",
                _(
                    "I edit topics that are sensitive where I live, such as politics, religion, "
                    "sexuality or the people in power."
                ),
                yes={"sensitive_topic_care": 4, "doxxing_plan": 1},
                unsure={"sensitive_topic_care": 2},
            ),
            Statement(
                "risky_country",
                _("I live in or travel to a country where editing can get people into trouble."),
                yes={"hostile_environment": 5, "sensitive_topic_care": 1},
                unsure={"hostile_environment": 2},
            ),
            Statement(
                "harassed",
                _(
                    "I have been harassed or threatened, or had private details published, "
                    "because of my editing."
                ),
                yes={"harassment_response": 5, "doxxing_plan": 3, "support_person": 2},
                unsure={"harassment_response": 2, "doxxing_plan": 1},
            ),
        ),
    ),
    Level(
        2,
        _("A little more about you"),
        (
            Statement(
                "password_manager",
                _("A password manager keeps my passwords for me."),
                requires="different_passwords",
                no={"use_password_manager": 2},
                unsure={"use_password_manager": 2},
            ),
            Statement(
                "same_username_elsewhere",
                _("I use my wiki user name on social media or other websites too."),
                requires="not username_real_name",
                yes={"separate_identities": 4},
                unsure={"separate_identities": 2},
            ),
            Statement(
                "uses_tor",
                _("I edit through Tor or a VPN I trust."),
                requires="sensitive_topics or risky_country",
                no={"use_tor_vpn": 4},
                unsure={"use_tor_vpn": 3},
            ),
            Statement(
                "secure_messenger",
                _(
                    "I talk about my editing only in an end-to-end encrypted messenger, such as "
                    "Signal."
                ),
                requires="sensitive_topics or risky_country or harassed",
                no={"secure_messenger": 4, "free_software": 1},
                unsure={"secure_messenger": 3, "free_software": 1},
            ),
            Statement(
                "disk_encryption",
                _("My phone and computer are encrypted."),
                requires="sensitive_topics or risky_country or harassed",
                no={"encrypt_devices": 4},
                unsure={"encrypt_devices": 3},
            ),
            Statement(
                "someone_to_talk_to",
                _("I have someone I can talk to about what happened."),
                requires="harassed or harassed is unsure",
                no={"support_person": 5},
                unsure={"support_person": 3},
            ),
        ),
    ),
    Level(
        3,
        _("Last details"),
        (
            Statement(
                "ip_block_exemption",
                _("I have IP block exemption on the wikis where I edit through Tor."),
                requires="uses_tor",
                no={"ip_block_exemption": 3},
                unsure={"ip_block_exemption": 3},
            ),
            Statement(
                "edited_logged_out",
                _("I have sometimes edited without logging in."),
                requires="(sensitive_topics or risky_country) and not uses_tor",
                yes={"stay_logged_in": 4},
                unsure={"stay_logged_in": 2},
            ),
            Statement(
                "same_browser",
                _(
                    "I read about my sensitive topics in the same browser where I am logged in "
                    "to social media or email."
                ),
                requires="sensitive_topics and not uses_tor",
                yes={"limit_tracking": 3, "use_tor_vpn": 1},
                unsure={"limit_tracking": 2},
            ),
            Statement(
                "crosses_borders",
                _("I carry my phone or laptop across borders where it may be searched."),
                requires="risky_country or risky_country is unsure",
                yes={"border_devices": 4, "encrypt_devices": 1},
                unsure={"border_devices": 2},
            ),
        ),
    ),
)

CHECKUP = Checkup(areas=AREAS, actions=ACTIONS, levels=LEVELS)
