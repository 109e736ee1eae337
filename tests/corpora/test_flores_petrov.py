"""``flores200:DIR@petrov`` reads FLORES-200 exactly as Petrov et al.'s ``compute/compute_tokenizations.py``.

Their procedure (repository ``AleksandarPetrov/tokenization-fairness``, ``process_one_language``):
``open(f"{DATASET_PATH}/dev/{lang}.dev", 'r')``, ``data_dev = file.read().split('\\n')``, the same for
``devtest/{lang}.devtest``, ``data = data_dev + data_devtest``, ``data_str = " ".join(data)``, and the count
is ``len(tokenizer.encode(data_str))`` (tiktoken's ``encode(text)``, ``compute/tokenizer_interface.py``).
It is written out again below, independently of the reader, and compared with the tokenizers audit on a
fixture in the published layout (``flores200_dataset/dev/<lang>.dev``, ``devtest/<lang>.devtest``, one
sentence a line, each file ending with a newline), with the cl100k_base tokenizer the project ships.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sovaudit.corpora import load_corpus
from sovaudit.corpora.flores import PETROV_NOTE, petrov_lines
from sovaudit.errors import SovauditError
from sovaudit.runner import run
from sovaudit.tokenizers import load_tokenizer

DEV = {
    "eng_Latn": [
        "On Monday, scientists from the Stanford University School of Medicine announced a new tool.",
        "Lead researchers say this may bring early detection of cancer to low-income countries.",
        "The JAS 39C Gripen crashed onto a runway at around 9:30 am local time.",
        "The pilot was identified as Squadron Leader Dilokrit Pattavee.",
    ],
    "swh_Latn": [
        "Jumatatu, wanasayansi kutoka Shule ya Tiba ya Chuo Kikuu cha Stanford walitangaza zana mpya.",
        "Watafiti wakuu wanasema hii inaweza kuleta ugunduzi wa mapema wa saratani katika nchi maskini.",
        "JAS 39C Gripen ilianguka kwenye barabara ya ndege karibu saa 3:30 asubuhi saa za huko.",
        "Rubani alitambuliwa kama Kiongozi wa Kikosi Dilokrit Pattavee.",
    ],
    "amh_Ethi": [
        "ሰኞ ዕለት፣ የስታንፎርድ ዩኒቨርሲቲ የሕክምና ትምህርት ቤት ሳይንቲስቶች አዲስ መሣሪያ ይፋ አደረጉ።",
        "መሪ ተመራማሪዎች ይህ በዝቅተኛ ገቢ አገሮች ውስጥ ካንሰርን ቀደም ብሎ ለማወቅ ያስችላል ይላሉ።",
        "JAS 39C ግሪፔን በአካባቢው ሰዓት አቆጣጠር 9:30 ላይ ማኮብኮቢያ ላይ ተከሰከሰ።",
        "አብራሪው የቡድን መሪ ዲሎክሪት ፓታቪ ተብሎ ተለይቷል።",
    ],
    "zho_Hans": [
        "周一，斯坦福大学医学院的科学家宣布发明了一种新的诊断工具。",
        "主要研究人员表示，这可以让低收入国家的患者尽早发现癌症。",
        "当地时间上午 9:30 左右，JAS 39C 鹰狮战斗机撞上跑道并发生爆炸。",
        "涉事飞行员是空军中队长迪罗里·帕塔维。",
    ],
}
DEVTEST = {
    "eng_Latn": [
        "Its legs are long and its tail is short.",
        "Scientists think the animal walked on two legs.",
        "The storm is 645 miles from the coast.",
    ],
    "swh_Latn": [
        "Miguu yake ni mirefu na mkia wake ni mfupi.",
        "Wanasayansi wanafikiri mnyama huyo alitembea kwa miguu miwili.",
        "Dhoruba iko maili 645 kutoka pwani.",
    ],
    "amh_Ethi": [
        "እግሮቹ ረጅም ጅራቱ ደግሞ አጭር ነው።",
        "ሳይንቲስቶች እንስሳው በሁለት እግሮች ይራመድ እንደነበር ያስባሉ።",
        "አውሎ ነፋሱ ከባህር ዳርቻው 645 ማይል ይርቃል።",
    ],
    "zho_Hans": [
        "它的腿很长，尾巴很短。",
        "科学家认为这种动物用两条腿行走。",
        "风暴距离海岸 645 英里。",
    ],
}


def write_published_layout(root: Path) -> Path:
    """``<root>/flores200_dataset/{dev,devtest}/<lang>.<split>``: UTF-8, a newline after every line."""
    base = root / "flores200_dataset"
    for split, data in (("dev", DEV), ("devtest", DEVTEST)):
        (base / split).mkdir(parents=True)
        for lang, lines in data.items():
            (base / split / f"{lang}.{split}").write_bytes("".join(f"{x}\n" for x in lines).encode())
    return base


def petrov_count(dataset: Path, lang: str, encode: object) -> int:
    """Their ``process_one_language``, token count part, line for line."""
    with open(f"{dataset}/dev/{lang}.dev", encoding="utf-8") as file:
        data_dev = file.read().split("\n")
    with open(f"{dataset}/devtest/{lang}.devtest", encoding="utf-8") as file:
        data_devtest = file.read().split("\n")
    data = data_dev + data_devtest
    data_str = " ".join(data)
    return len(encode(data_str))  # type: ignore[operator]


def test_petrov_reading_gives_the_authors_token_counts(tmp_path: Path) -> None:
    dataset = write_published_layout(tmp_path)
    encode = load_tokenizer("cl100k_base").encode
    docs = {
        split: run(
            "tokenizers",
            corpus=f"flores200:{tmp_path}@{split}",
            tokenizers=["cl100k_base"],
            reference="eng_Latn",
        )
        for split in ("petrov", "all")
    }
    tokens = {s: {r["language"]: r["tokens"] for r in d.rows} for s, d in docs.items()}
    assert sorted(tokens["petrov"]) == sorted(DEV)
    added = {}
    for lang in DEV:
        assert tokens["petrov"][lang] == petrov_count(dataset, lang, encode), lang
        clean = " ".join(DEV[lang] + DEVTEST[lang])
        assert tokens["all"][lang] == len(encode(clean)), lang
        # the difference is exactly what the two empty segments (after each file's last newline) add
        with_empty = " ".join([*DEV[lang], "", *DEVTEST[lang], ""])
        added[lang] = len(encode(with_empty)) - len(encode(clean))
        assert tokens["petrov"][lang] - tokens["all"][lang] == added[lang]
        assert added[lang] in (1, 2)
    ref = tokens["petrov"]["eng_Latn"]
    premiums = {r["language"]: r["premium"] for r in docs["petrov"].rows}
    assert premiums["amh_Ethi"] == pytest.approx(tokens["petrov"]["amh_Ethi"] / ref)
    assert PETROV_NOTE in docs["petrov"].notes and PETROV_NOTE not in docs["all"].notes
    assert docs["petrov"].signature != docs["all"].signature


def test_petrov_lines_fold_empty_pieces_so_the_join_is_theirs(tmp_path: Path) -> None:
    cases = {
        "a\nb\n": ["a", "b "],
        "a\nb": ["a", "b"],
        "a\n\nb\n": ["a ", "", "b "],
        "\na\nb\n": ["", " a", "b "],
        "a\r\nb\r\n": ["a", "b "],
        "\ufeffa\n b \n\n": ["\ufeffa", " b   ", ""],  # a blank third line, then the final piece
    }
    for i, (text, want) in enumerate(cases.items()):
        path = tmp_path / f"x{i}.dev"
        path.write_bytes(text.encode())
        got = petrov_lines(path)
        assert got == want, text
        with open(path, encoding="utf-8") as f:  # their reading
            theirs = " ".join(f.read().split("\n"))
        assert " ".join(x for x in got if x.strip()) == theirs, text


def test_petrov_is_the_name_and_floresplus_refuses_it(tmp_path: Path) -> None:
    write_published_layout(tmp_path)
    corpus = load_corpus(f"flores200:{tmp_path}@petrov")
    assert corpus.name == "flores200-petrov" and corpus.notes == (PETROV_NOTE,)
    assert corpus.segment_ids[3:5] == ("dev:3", "devtest:0")
    assert corpus.texts["eng_Latn"]["dev:3"].endswith(". ")
    clean = load_corpus(f"flores200:{tmp_path}@all")
    assert clean.segment_ids == corpus.segment_ids and clean.digest != corpus.digest
    with pytest.raises(SovauditError, match="flores200:DIR@petrov"):
        load_corpus(f"floresplus:{tmp_path}@petrov")
