#!/usr/bin/env python3
"""Writes a realistic supplier price list of about SIZE megabytes (default 10) to stdout:
UTF-8, ';'-separated, Russian headers, decimal commas with space thousands, dd.mm.yyyy dates,
quoted names with separators in them. Deterministic (seeded) so runs compare."""
import random
import sys

size = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0
random.seed(42)
goods = ["Бумага офисная", "Ручка шариковая", "Картридж лазерный", "Молоко питьевое", "Бензин АИ-92",
         "Компьютер персональный", "Монитор", "Стул офисный", "Стол письменный", "Папка-регистратор",
         "Степлер", "Скрепки", "Тонер", "Кабель UTP", "Мышь компьютерная", "Клавиатура", "Масло сливочное",
         "Хлеб пшеничный", "Сахар-песок", "Мука пшеничная", "Цемент М400", "Краска фасадная", "Перчатки"]
traits = ["А4", "80 г/м2", "синяя", "черный", "2,5%", "1 л", "5 кг", "24\"", "USB", "категория 5e",
          "высший сорт", "ГОСТ", "белая", "эконом", "премиум", "в упаковке", "для принтера"]
units = ["шт", "пачка", "уп", "кг", "л", "м", "комплект"]
out = sys.stdout
out.write("Артикул;Наименование;Ед. изм.;Цена, тг;Дата цены;Источник\n")
written = 0
n = 0
target = int(size * 1024 * 1024)
while True:
    n += 1
    name = f"{random.choice(goods)} {random.choice(traits)} {random.choice(traits)}"
    if random.random() < 0.2:
        name = '"' + f"{name}; арт. {n}".replace('"', '""') + '"'
    tenge = random.randint(50, 2_500_000)
    price = f"{tenge:,}".replace(",", "\u00a0") + f",{random.randint(0, 99):02d}"
    line = f"SKU-{n:07d};{name};{random.choice(units)};{price};{random.randint(1, 24):02d}.11.2026;ТОО Поставщик {n % 40}\n"
    if written + len(line.encode("utf-8")) > target - 100:  # the header fits in the last 100 bytes
        break
    out.write(line)
    written += len(line.encode("utf-8"))
