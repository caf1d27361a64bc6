import pytest
from tests.web_field.test_browser_flow import _seed, IMAGES
from tests.web_field.browser import tablet_page

@pytest.mark.browser
def test_portrait(live, browser):
    data = _seed(live)
    page = tablet_page(browser, live, data["tech"])
    page.set_viewport_size({"width": 768, "height": 1024})
    page.screenshot(path="/tmp/p_myday.png")
    page.goto(live.url + f"/orders/{data['order_id']}")
    page.screenshot(path="/tmp/p_order.png")
    page.locator("#signoff").scroll_into_view_if_needed()
    page.screenshot(path="/tmp/p_sign.png")
    page.set_viewport_size({"width": 1024, "height": 768})
    page.locator("#parts").scroll_into_view_if_needed()
    page.locator("#part-search").fill("p")
    page.wait_for_selector("#part-options [role=option]")
    page.screenshot(path="/tmp/l_parts.png")
    office = tablet_page(browser, live, data["dispatcher"])
    office.goto(live.url + "/orders/new")
    office.screenshot(path="/tmp/l_new.png", full_page=True)
    office.goto(live.url + "/orders?view=list")
    office.screenshot(path="/tmp/l_list.png")
